import type { CallInterrupt, PendingToolCall, PredictedState } from "./state-snapshot-schema.js";
import { initialToolCallStatus, type ToolCallMode } from "./tool-call-status.js";

export type NewPendingToolCall = {
  toolCallId: string;
  toolName: string;
  args: Record<string, unknown>;
  mode: ToolCallMode;
  stage: string;
  now: Date;
  /** Required for BACKEND_APPROVAL_INTERRUPT calls: the AG-UI interrupt that answers them. */
  interruptId?: string;
  /** How long the call may wait for its answer; without it the call never expires. */
  ttlSeconds?: number;
  /** Required for BACKEND_INPUT_INTERRUPT calls: what the human is asked. */
  interrupt?: CallInterrupt;
  /** Predictive-state tools: the keys the call's arguments write, with their values before. */
  predictedState?: readonly PredictedState[];
};

/** A call in its initial status: PENDING_APPROVAL, or APPROVED for direct backend tools. */
export function createPendingToolCall(input: NewPendingToolCall): PendingToolCall {
  const call: PendingToolCall = {
    tool_call_id: input.toolCallId,
    tool_name: input.toolName,
    args: input.args,
    mode: input.mode,
    status: initialToolCallStatus(input.mode),
    stage: input.stage,
    requested_at: input.now.toISOString(),
  };
  if (input.interruptId !== undefined) {
    call.interrupt_id = input.interruptId;
  }
  if (input.interrupt !== undefined) {
    call.interrupt = input.interrupt;
  }
  if (input.predictedState !== undefined && input.predictedState.length > 0) {
    call.predicted_state = [...input.predictedState];
  }
  if (input.ttlSeconds !== undefined) {
    call.expires_at = new Date(input.now.getTime() + input.ttlSeconds * 1000).toISOString();
  }
  return call;
}
