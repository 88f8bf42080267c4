import { Allow, parse } from "partial-json";
import type { CrewEvent } from "../../application/ports/run-event.js";
import { isJsonObject, stateDelta, valueAtPath } from "../../domain/agent-state.js";
import type { AgentState } from "../../domain/state-snapshot.js";
import type { ToolConfig } from "../config/runtime-config.js";

/**
 * Streams predictive state: while the model writes the arguments of a tool that declares
 * `predict_state`, each argument delta is parsed as partial JSON and the declared keys are
 * sent as STATE_DELTA, so the UI shows the change as it is written. Announced first with
 * CUSTOM PredictState (what CopilotKit's LangGraph/CrewAI integrations read). Nothing here is
 * stored: the stored state changes only when the call is applied.
 */
export class PredictiveStateStream {
  private view: AgentState;
  private readonly calls = new Map<string, { tool: ToolConfig; text: string }>();

  constructor(
    private readonly context: {
      tools: Readonly<Record<string, ToolConfig>>;
      state: AgentState;
      emit: (event: CrewEvent) => void;
    },
  ) {
    this.view = context.state;
  }

  start(toolCallId: string, toolName: string): void {
    const tool = this.context.tools[toolName];
    if (!tool?.predict_state) return;
    this.calls.set(toolCallId, { tool, text: "" });
    this.context.emit({
      type: "predict-state",
      entries: tool.predict_state.map((entry) => ({
        stateKey: entry.state_key,
        tool: toolName,
        toolArgument: entry.tool_argument,
      })),
    });
  }

  delta(toolCallId: string, delta: string): void {
    const call = this.calls.get(toolCallId);
    if (!call) return;
    call.text += delta;
    let partial: unknown;
    try {
      partial = parse(call.text, Allow.ALL);
    } catch {
      return; // Not parseable yet (or never): the final arguments decide.
    }
    if (!isJsonObject(partial)) return;
    const next = { ...this.view };
    for (const { state_key, tool_argument } of call.tool.predict_state ?? []) {
      const value = valueAtPath(partial, tool_argument);
      if (value !== undefined) next[state_key] = value;
    }
    const operations = stateDelta(this.view, next);
    if (operations.length === 0) return;
    this.view = next;
    this.context.emit({ type: "state-delta", operations });
  }
}
