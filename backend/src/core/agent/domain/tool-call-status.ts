import { IllegalToolCallTransitionError } from "./errors.js";

export const TOOL_CALL_STATUSES = [
  "PENDING_APPROVAL",
  "APPROVED",
  "EXECUTED",
  "REJECTED",
  "EXPIRED",
] as const;
export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];

export const TOOL_CALL_MODES = [
  "FRONTEND_EXECUTE",
  "BACKEND_APPROVAL_INTERRUPT",
  "BACKEND_DIRECT_EXECUTE",
  "BACKEND_INPUT_INTERRUPT",
] as const;
export type ToolCallMode = (typeof TOOL_CALL_MODES)[number];

type TransitionTable = Readonly<Partial<Record<ToolCallStatus, readonly ToolCallStatus[]>>>;

/** Every legal move; anything absent is illegal. EXECUTED, REJECTED and EXPIRED lead nowhere. */
const TRANSITIONS: Readonly<Record<ToolCallMode, TransitionTable>> = {
  // The client runs the tool: its result settles the call, or the client cancels it.
  FRONTEND_EXECUTE: { PENDING_APPROVAL: ["EXECUTED", "REJECTED", "EXPIRED"] },
  // A human decides; only the backend executes, and only after approval.
  BACKEND_APPROVAL_INTERRUPT: {
    PENDING_APPROVAL: ["APPROVED", "REJECTED", "EXPIRED"],
    APPROVED: ["EXECUTED"],
  },
  // Auto-approved at creation; the backend executes it in the same run.
  BACKEND_DIRECT_EXECUTE: { APPROVED: ["EXECUTED"] },
  // An ask-the-user interrupt: the human's answer (checked against its responseSchema) is the
  // call's result; a cancelled interrupt rejects it.
  BACKEND_INPUT_INTERRUPT: { PENDING_APPROVAL: ["EXECUTED", "REJECTED", "EXPIRED"] },
};

const INITIAL_STATUS: Readonly<Record<ToolCallMode, ToolCallStatus>> = {
  FRONTEND_EXECUTE: "PENDING_APPROVAL",
  BACKEND_APPROVAL_INTERRUPT: "PENDING_APPROVAL",
  BACKEND_DIRECT_EXECUTE: "APPROVED",
  BACKEND_INPUT_INTERRUPT: "PENDING_APPROVAL",
};

/** The status a call of this mode is created with. */
export function initialToolCallStatus(mode: ToolCallMode): ToolCallStatus {
  return INITIAL_STATUS[mode];
}

/** Every status a call of this mode can ever hold. */
export function reachableToolCallStatuses(mode: ToolCallMode): readonly ToolCallStatus[] {
  const targets = Object.values(TRANSITIONS[mode]).flat();
  return TOOL_CALL_STATUSES.filter(
    (status) => status === INITIAL_STATUS[mode] || targets.includes(status),
  );
}

export function canTransition({
  mode,
  from,
  to,
}: {
  mode: ToolCallMode;
  from: ToolCallStatus;
  to: ToolCallStatus;
}): boolean {
  return TRANSITIONS[mode][from]?.includes(to) ?? false;
}

/** The fields of a pending call the transition rules look at. */
export type TransitionSubject = {
  tool_call_id: string;
  mode: ToolCallMode;
  status: ToolCallStatus;
  expires_at?: string | undefined;
};

/**
 * Throws `IllegalToolCallTransitionError` unless the move is legal for this call. A call
 * without `expires_at` can never expire, whatever its mode.
 */
export function assertTransition({ call, to }: { call: TransitionSubject; to: ToolCallStatus }) {
  const legal =
    canTransition({ mode: call.mode, from: call.status, to }) &&
    (to !== "EXPIRED" || call.expires_at !== undefined);
  if (!legal) {
    throw new IllegalToolCallTransitionError({
      message: `Tool call ${call.tool_call_id} (${call.mode}) cannot go from ${call.status} to ${to}`,
      details: { tool_call_id: call.tool_call_id, mode: call.mode, from: call.status, to },
    });
  }
}

export function isTerminalToolCallStatus(status: ToolCallStatus): boolean {
  return status === "EXECUTED" || status === "REJECTED" || status === "EXPIRED";
}

/** Open = still waiting for the client or a human (PENDING_APPROVAL). */
export function isOpenToolCall(call: { status: ToolCallStatus }): boolean {
  return call.status === "PENDING_APPROVAL";
}

/** Whether `expires_at` has been reached: at exactly `expires_at` the call counts as expired. */
export function isPastExpiry(call: { expires_at?: string | undefined }, now: Date): boolean {
  return call.expires_at !== undefined && Date.parse(call.expires_at) <= now.getTime();
}
