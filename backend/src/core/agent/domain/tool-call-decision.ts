import { jsonEqual } from "./json-equal.js";
import type { PendingToolCall, ToolResult } from "./state-snapshot-schema.js";
import { assertTransition, isPastExpiry, type ToolCallStatus } from "./tool-call-status.js";

/** An answer to one pending tool call, from the client or a human. */
export type ToolCallDecision =
  | { kind: "result"; result: ToolResult }
  | { kind: "approve"; editedArgs?: Record<string, unknown> }
  | { kind: "reject"; reason?: string };

/**
 * - `apply`: the call is open and the decision settles it;
 * - `noop`: the call was already settled by this identical decision (a replay);
 * - `not_pending`: unknown id, settled differently, or a decision this mode never takes;
 * - `expired`: an approval or result after `expires_at` (a rejection is still accepted).
 */
export type DecisionCheck = "apply" | "noop" | "not_pending" | "expired";

const ACCEPTED_BY_MODE: Readonly<Record<PendingToolCall["mode"], readonly string[]>> = {
  // The client may answer with a result or cancel; it never approves its own tool.
  FRONTEND_EXECUTE: ["result", "reject"],
  // A human approves or rejects; only the backend supplies the result.
  BACKEND_APPROVAL_INTERRUPT: ["approve", "reject"],
  // Nobody outside the backend answers a direct call.
  BACKEND_DIRECT_EXECUTE: [],
  // The human's answer to an input interrupt is the result; cancelling it rejects the call.
  BACKEND_INPUT_INTERRUPT: ["result", "reject"],
};

export function checkDecision({
  call,
  decision,
  now,
}: {
  call: PendingToolCall | undefined;
  decision: ToolCallDecision;
  now: Date;
}): DecisionCheck {
  if (call === undefined || !ACCEPTED_BY_MODE[call.mode].includes(decision.kind)) {
    return "not_pending";
  }
  if (call.status !== "PENDING_APPROVAL") {
    return isSettledBy(call, decision) ? "noop" : "not_pending";
  }
  if (decision.kind !== "reject" && isPastExpiry(call, now)) {
    return "expired";
  }
  return "apply";
}

/** The call after an `apply` decision; the transition is checked against the status machine. */
export function settleToolCall({
  call,
  decision,
  by,
  now,
}: {
  call: PendingToolCall;
  decision: ToolCallDecision;
  by?: string | undefined;
  now: Date;
}): PendingToolCall {
  const to = TARGET_STATUS[decision.kind];
  assertTransition({ call, to });
  const settled: PendingToolCall = { ...call, status: to, decided_at: now.toISOString() };
  if (by !== undefined) {
    settled.decided_by = by;
  }
  if (decision.kind === "result") {
    settled.result = { ...decision.result };
  } else if (decision.kind === "approve" && decision.editedArgs !== undefined) {
    settled.edited_args = decision.editedArgs;
  } else if (decision.kind === "reject" && decision.reason !== undefined) {
    settled.reason = decision.reason;
  }
  return settled;
}

const TARGET_STATUS: Readonly<Record<ToolCallDecision["kind"], ToolCallStatus>> = {
  result: "EXECUTED",
  approve: "APPROVED",
  reject: "REJECTED",
};

function isSettledBy(call: PendingToolCall, decision: ToolCallDecision): boolean {
  switch (decision.kind) {
    case "result":
      return call.status === "EXECUTED" && sameResult(call.result, decision.result);
    case "approve":
      // An approved call the backend has since executed was still settled by this approval.
      return (
        (call.status === "APPROVED" || call.status === "EXECUTED") &&
        jsonEqual(call.edited_args, decision.editedArgs)
      );
    case "reject":
      return call.status === "REJECTED" && call.reason === decision.reason;
  }
}

export function sameResult(left: ToolResult | undefined, right: ToolResult): boolean {
  return left !== undefined && left.content === right.content && left.error === right.error;
}
