import type { AuditRecord } from "../../application/ports/run-store.js";
import { refusalResult } from "../../application/tool-refusal.js";
import type { JsonPatchOperation } from "../../domain/agent-state.js";
import { applyPredictedState, restorePredictedState } from "../../domain/predicted-state.js";
import type { AgentState, PendingToolCall, ToolResult } from "../../domain/state-snapshot.js";
import { setAgentState } from "../../domain/state-snapshot.js";
import { PendingToolStore } from "../../domain/tool-correlation.js";
import { recordingStateAccess } from "./agent-state-access.js";
import { type CrewDependencies, type CrewRunState, checkpointStep } from "./crew-context.js";
import { stateChange } from "./shared-state-change.js";
import { crashPoint } from "./test-crash-points.js";
import { inToolCallSpan } from "./tool-call-span.js";
import { toolExecutionAudit } from "./tool-execution-audit.js";
import { emitToolResult, toolMessage } from "./tool-message.js";

/**
 * Brings every decided call of the current stage to the model, one checkpoint per call:
 * APPROVED calls (direct tools, approvals a human granted) are executed and become EXECUTED
 * together with their tool message and any change of the shared state; an input interrupt the
 * human answered gets the answer as its tool message; REJECTED and EXPIRED calls get a refusal
 * message (and a predictive call's keys are put back). Each result is reported as
 * TOOL_CALL_RESULT on the original toolCallId, then the state change as STATE_DELTA (or
 * STATE_SNAPSHOT after a prediction the client saw). A call that already has its tool message
 * is skipped, so a worker that crashed after a checkpoint never repeats it.
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
    else if (call.status === "EXECUTED" && call.mode === "BACKEND_INPUT_INTERRUPT" && call.result) {
      await answer(state, dependencies, call, call.result, state.snapshot);
    } else if (call.status === "REJECTED" || call.status === "EXPIRED") {
      await refuse(state, dependencies, call);
    }
  }
}

async function execute(state: CrewRunState, dependencies: CrewDependencies, call: PendingToolCall) {
  const tool = state.config.tools[call.tool_name];
  const args = call.edited_args ?? call.args;
  const stored = state.snapshot.agent_state;
  const base = call.predicted_state
    ? applyPredictedState(stored, call.predicted_state, args)
    : stored;
  const recording = recordingStateAccess(base);
  const execution = tool
    ? await inToolCallSpan({ toolName: tool.name, toolCallId: call.tool_call_id }, () =>
        dependencies.tools.execute({
          tool,
          args,
          runId: state.input.runId,
          sessionId: state.input.sessionId,
          userId: state.input.userId,
          toolCallId: call.tool_call_id,
          signal: state.input.signal,
          now: dependencies.clock(),
          state: recording.access,
        }),
      )
    : undefined;
  let result: ToolResult = execution
    ? {
        content: execution.content,
        ...(execution.error === undefined ? {} : { error: execution.error }),
      }
    : {
        content: JSON.stringify({ error: `Tool ${call.tool_name} is not configured` }),
        error: "tool not configured",
      };
  const audit = execution
    ? [
        toolExecutionAudit({
          state,
          toolName: call.tool_name,
          toolCallId: call.tool_call_id,
          execution,
          now: dependencies.clock(),
        }),
      ]
    : [];
  let agentState: AgentState = stored;
  let delta: JsonPatchOperation[] = [];
  if (result.error === undefined) {
    const change = stateChange({
      from: stored,
      base,
      operations: recording.operations(),
      maxBytes: dependencies.agentStateMaxBytes,
    });
    if (change.ok) {
      agentState = change.state;
      delta = change.delta;
    } else result = { content: JSON.stringify({ error: change.reason }), error: change.reason };
  }
  const store = PendingToolStore.fromSnapshot(state.snapshot);
  store.recordExecution(call.tool_call_id, result);
  const snapshot = store.toSnapshot(state.snapshot);
  await answer(
    state,
    dependencies,
    call,
    result,
    agentState === stored ? snapshot : setAgentState(snapshot, agentState),
    audit,
  );
  // The client saw the prediction stream, not the stored state: tell it the outcome whole.
  if (call.predicted_state) state.input.emit({ type: "state-snapshot", state: agentState });
  else if (delta.length > 0) state.input.emit({ type: "state-delta", operations: delta });
}

async function refuse(state: CrewRunState, dependencies: CrewDependencies, call: PendingToolCall) {
  if (!call.predicted_state) {
    await answer(state, dependencies, call, refusalResult(call), state.snapshot);
    return;
  }
  const restored = restorePredictedState(state.snapshot.agent_state, call.predicted_state);
  await answer(
    state,
    dependencies,
    call,
    refusalResult(call),
    setAgentState(state.snapshot, restored),
  );
  state.input.emit({ type: "state-snapshot", state: restored });
}

async function answer(
  state: CrewRunState,
  dependencies: CrewDependencies,
  call: PendingToolCall,
  result: ToolResult,
  snapshot: CrewRunState["snapshot"],
  audit: AuditRecord[] = [],
) {
  const message = toolMessage({
    id: dependencies.ids(),
    toolCallId: call.tool_call_id,
    content: result.content,
    error: result.error,
  });
  await checkpointStep(state, { snapshot, messages: [message], stage: call.stage, audit });
  // A crash from here on loses the event, never the result: the next attempt re-emits it.
  crashPoint("after-tool-result-commit");
  emitToolResult(state.input.emit, message);
  crashPoint("before-tool-result-publish");
}
