import type { AgentState, ContextEntry } from "../../domain/state-snapshot.js";
import { UPDATE_STATE_TOOL } from "../config/tool-agui-fields.js";
import type { CrewRunState } from "./crew-context.js";
import type { CrewStage } from "./crew-factory.js";

/**
 * The stage's system prompt, CrewAI style: who the agent is, the task and what a good answer
 * looks like (`expected_output`, Markdown or the JSON Schema it must follow), and the outputs
 * of the earlier stages it takes as context; then, when there are any, the client's AG-UI
 * context entries and the thread's shared state (documented in docs/runtime/runtime-route.md,
 * "What the model sees").
 */
export function systemPrompt({
  stage,
  stageOutputs,
  context = [],
  agentState = {},
  stateTool,
}: {
  stage: CrewStage;
  stageOutputs: Readonly<Record<string, { output: string }>>;
  context?: readonly ContextEntry[];
  agentState?: AgentState;
  /** The name of the state tool when the agent may change the state. */
  stateTool?: string;
}): string {
  const { agent, task } = stage;
  const lines = [
    `You are ${agent.role}. ${agent.backstory}`.trim(),
    `Your personal goal is: ${agent.goal}`,
    "",
    `Current task: ${task.description}`,
    `Expected output: ${task.expectedOutput}`,
    "Give the complete content as your final answer, not a summary of it.",
  ];
  if (task.markdown) lines.push("Format your final answer in Markdown.");
  if (task.output) {
    lines.push(
      "Your final answer must be one JSON value, valid against this JSON Schema, and nothing else (no prose, no code fences):",
      JSON.stringify(task.output.schema),
    );
  }
  const earlier = task.contextStages
    .map((name) => [name, stageOutputs[name]?.output] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  if (earlier.length > 0) {
    lines.push("", "Context from earlier stages:");
    for (const [name, output] of earlier) lines.push(`- ${name}: ${output}`);
  }
  if (context.length > 0) {
    lines.push("", "Context from the application:");
    for (const entry of context) lines.push(`- ${entry.description}: ${entry.value}`);
  }
  if (stateTool !== undefined || Object.keys(agentState).length > 0) {
    lines.push(
      "",
      "Shared state (JSON, shown in the user's application; the user may change it too):",
      JSON.stringify(agentState),
    );
    if (stateTool !== undefined)
      lines.push(`Change it with the ${stateTool} tool (JSON Patch operations).`);
  }
  return lines.join("\n");
}

/** What the system prompt shows besides the task: the client's context and the shared state. */
export function stagePromptInputs(
  state: CrewRunState,
  stage: CrewStage,
): Parameters<typeof systemPrompt>[0] {
  return {
    stage,
    stageOutputs: state.snapshot.stages,
    context: state.snapshot.run?.context ?? [],
    agentState: state.snapshot.agent_state,
    ...(stage.agent.tools.includes(UPDATE_STATE_TOOL) ? { stateTool: UPDATE_STATE_TOOL } : {}),
  };
}
