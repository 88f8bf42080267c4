import type { Interrupt, ResumeEntry } from "@ag-ui/core";
import { RequestError, ToolCallNotPendingError } from "./errors.js";
import type { PendingToolCall } from "./state-snapshot-schema.js";
import type { ResumeDecision } from "./tool-correlation.js";

/** The answer an approval interrupt expects (AG-UI `Interrupt.responseSchema`). */
export const APPROVAL_RESPONSE_SCHEMA = {
  type: "object",
  properties: {
    approved: { type: "boolean" },
    edited_args: { type: "object" },
  },
  required: ["approved"],
} as const;

/** One AG-UI interrupt per open approval call, in call order; optional fields are omitted. */
export function interruptsForPendingCalls(calls: readonly PendingToolCall[]): Interrupt[] {
  return calls.flatMap((call) => {
    if (
      call.mode !== "BACKEND_APPROVAL_INTERRUPT" ||
      call.status !== "PENDING_APPROVAL" ||
      call.interrupt_id === undefined
    ) {
      return [];
    }
    const interrupt: Interrupt = {
      id: call.interrupt_id,
      reason: "tool_call",
      toolCallId: call.tool_call_id,
      message: `Approve ${call.tool_name}?`,
      responseSchema: structuredClone(APPROVAL_RESPONSE_SCHEMA),
    };
    if (call.expires_at !== undefined) {
      interrupt.expiresAt = call.expires_at;
    }
    return [interrupt];
  });
}

/**
 * AG-UI resume entries → decisions on the calls their interrupts belong to. `cancelled` is a
 * rejection; `resolved` carries `{ approved, edited_args? | editedArgs?, reason? }`. Whether
 * the decisions fit the calls' state is `applyResume`'s job.
 */
export function decisionsFromResumeEntries({
  entries,
  calls,
}: {
  entries: readonly ResumeEntry[];
  calls: readonly PendingToolCall[];
}): ResumeDecision[] {
  const byInterrupt = new Map(
    calls.flatMap((call) => (call.interrupt_id === undefined ? [] : [[call.interrupt_id, call]])),
  );
  const unknown: string[] = [];
  const matched: { entry: ResumeEntry; call: PendingToolCall }[] = [];
  for (const entry of entries) {
    const call = byInterrupt.get(entry.interruptId);
    if (call === undefined) {
      unknown.push(entry.interruptId);
    } else {
      matched.push({ entry, call });
    }
  }
  if (unknown.length > 0) {
    throw new ToolCallNotPendingError({
      toolCallIds: [],
      message: `No pending tool call for interrupts: ${unknown.join(", ")}`,
      details: { interrupt_ids: unknown },
    });
  }
  return matched.map(({ entry, call }): ResumeDecision => {
    if (entry.status === "cancelled") {
      return { kind: "reject", toolCallId: call.tool_call_id, cancelled: true };
    }
    return decisionFromPayload({ interruptId: entry.interruptId, call, payload: entry.payload });
  });
}

function decisionFromPayload({
  interruptId,
  call,
  payload,
}: {
  interruptId: string;
  call: PendingToolCall;
  payload: unknown;
}): ResumeDecision {
  const invalid = (problem: string) =>
    new RequestError({
      code: "VALIDATION_ERROR",
      message: `Resume payload for interrupt ${interruptId} ${problem}`,
      details: { interrupt_id: interruptId, tool_call_id: call.tool_call_id },
    });
  if (!isPlainObject(payload) || typeof payload.approved !== "boolean") {
    throw invalid("must be an object with a boolean `approved`");
  }
  const toolCallId = call.tool_call_id;
  if (!payload.approved) {
    if (payload.reason !== undefined && typeof payload.reason !== "string") {
      throw invalid("has a `reason` that is not a string");
    }
    return payload.reason === undefined
      ? { kind: "reject", toolCallId }
      : { kind: "reject", toolCallId, reason: payload.reason };
  }
  // AG-UI's docs spell it `editedArgs`; our responseSchema says `edited_args`. Accept both.
  const editedArgs = payload.edited_args !== undefined ? payload.edited_args : payload.editedArgs;
  if (editedArgs === undefined) {
    return { kind: "approve", toolCallId };
  }
  if (!isPlainObject(editedArgs)) {
    throw invalid("has `edited_args` that is not an object");
  }
  return { kind: "approve", toolCallId, editedArgs };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
