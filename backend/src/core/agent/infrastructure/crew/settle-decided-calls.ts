import { refusalResult } from "../../application/tool-refusal.js";
import type { PendingToolCall, ToolResult } from "../../domain/state-snapshot.js";
import { PendingToolStore } from "../../domain/tool-correlation.js";
import { type CrewDependencies, type CrewRunState, checkpointStep } from "./crew-context.js";
import { inToolCallSpan } from "./tool-call-span.js";
import { emitToolResult, toolMessage } from "./tool-message.js";

/**
 * Brings every decided call of the current stage to the model, one checkpoint per call:
 * APPROVED calls (direct tools, approvals a human granted) are executed and become EXECUTED
 * together with their tool message; REJECTED and EXPIRED calls get a refusal message. Each
 * result is reported as TOOL_CALL_RESULT on the original toolCallId. A call that already has
 * its tool message is skipped, so a worker that crashed after a checkpoint never repeats it.
 */
export async function settleDecidedCalls(
  state: CrewRunState,
  dependencies: CrewDependencies,
): Promise<void> {
  const stage = state.snapshot.run?.stage;
  const answered = new Set(
    state.history.flatMap((message) => (message.role === "tool" ? [message.toolCallId] : [])),
  );
  const decided = state.snapshot.pending_tool_calls.filter(
    (call) => call.stage === stage && !answered.has(call.tool_call_id),
  );
  for (const call of decided) {
    if (call.status === "APPROVED") await execute(state, dependencies, call);
    else if (call.status === "REJECTED" || call.status === "EXPIRED") {
      await answer(state, dependencies, call, refusalResult(call), state.snapshot);
    }
  }
}

async function execute(state: CrewRunState, dependencies: CrewDependencies, call: PendingToolCall) {
  const tool = state.config.tools[call.tool_name];
  const result: ToolResult = tool
    ? await inToolCallSpan({ toolName: tool.name, toolCallId: call.tool_call_id }, () =>
        dependencies.tools.execute({
          tool,
          args: call.edited_args ?? call.args,
          runId: state.input.runId,
          toolCallId: call.tool_call_id,
          signal: state.input.signal,
          now: dependencies.clock(),
        }),
      )
    : {
        content: JSON.stringify({ error: `Tool ${call.tool_name} is not configured` }),
        error: "tool not configured",
      };
  const store = PendingToolStore.fromSnapshot(state.snapshot);
  store.recordExecution(call.tool_call_id, result);
  await answer(state, dependencies, call, result, store.toSnapshot(state.snapshot));
}

async function answer(
  state: CrewRunState,
  dependencies: CrewDependencies,
  call: PendingToolCall,
  result: ToolResult,
  snapshot: CrewRunState["snapshot"],
) {
  const message = toolMessage({
    id: dependencies.ids(),
    toolCallId: call.tool_call_id,
    content: result.content,
    error: result.error,
  });
  await checkpointStep(state, { snapshot, messages: [message], stage: call.stage });
  emitToolResult(state.input.emit, message);
}
