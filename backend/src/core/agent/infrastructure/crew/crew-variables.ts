import type { ChatMessage } from "../../application/ports/chat-message.js";
import { inputTexts, pickInputs } from "../../domain/run-inputs.js";
import type { StateSnapshot } from "../../domain/state-snapshot.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import { BUILTIN_INPUTS, MESSAGE_PLACEHOLDER } from "../config/workflow-inputs.js";
import { latestUserText } from "./crew-context.js";

/**
 * The values a run's `{placeholder}`s are filled with, lowest precedence first: built-in
 * values (`current_year`…), the workflow's defaults, the thread's AG-UI state (its top-level
 * keys), the run's `forwardedProps.inputs`; then what the runtime owns and nothing overrides:
 * earlier stages' outputs by stage name and `{message}`, the user's latest message.
 */
export function crewVariables({
  config,
  workflow,
  snapshot,
  history,
  now,
}: {
  config: RuntimeConfig;
  workflow: string;
  snapshot: StateSnapshot;
  history: readonly ChatMessage[];
  now: Date;
}): Record<string, string> {
  const declared = (config.workflow_inputs[workflow] ?? []).map((input) => input.name);
  const builtins = Object.fromEntries(
    Object.entries(BUILTIN_INPUTS).map(([name, builtin]) => [name, builtin.value(now)]),
  );
  const outputs = Object.fromEntries(
    Object.entries(snapshot.stages).map(([name, stage]) => [name, stage.output]),
  );
  return {
    ...builtins,
    ...(config.workflows[workflow]?.inputs ?? {}),
    ...pickInputs(inputTexts(snapshot.agent_state), declared),
    ...(snapshot.run?.inputs ?? {}),
    ...outputs,
    [MESSAGE_PLACEHOLDER]: latestUserText(history),
  };
}
