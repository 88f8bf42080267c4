import {
  IllegalToolCallTransitionError,
  InterruptExpiredError,
  SnapshotInvalidError,
  ToolCallNotPendingError,
  ToolResultsIncompleteError,
} from "./errors.js";
import type {
  PendingToolCall,
  StateSnapshotShape as StateSnapshot,
  ToolResult,
} from "./state-snapshot-schema.js";
import {
  checkDecision,
  sameResult,
  settleToolCall,
  type ToolCallDecision,
} from "./tool-call-decision.js";
import { assertTransition, isOpenToolCall, isPastExpiry } from "./tool-call-status.js";

/**
 * The pending tool calls of one snapshot, with every way they may change. A refused operation
 * throws and leaves the store exactly as it was; `toSnapshot` writes the result back.
 */
export class PendingToolStore {
  #calls: PendingToolCall[];

  constructor(calls: readonly PendingToolCall[]) {
    const seen = new Set<string>();
    for (const { tool_call_id: id } of calls) {
      if (seen.has(id)) {
        throw new SnapshotInvalidError({
          message: `pending_tool_calls: duplicate tool_call_id ${id}`,
          details: { path: "pending_tool_calls", tool_call_id: id },
        });
      }
      seen.add(id);
    }
    this.#calls = [...calls];
  }

  static fromSnapshot(snapshot: StateSnapshot): PendingToolStore {
    return new PendingToolStore(snapshot.pending_tool_calls);
  }

  calls(): readonly PendingToolCall[] {
    return [...this.#calls];
  }

  /** Calls still waiting for the client or a human (PENDING_APPROVAL). */
  open(): readonly PendingToolCall[] {
    return this.#calls.filter(isOpenToolCall);
  }

  get(toolCallId: string): PendingToolCall | undefined {
    return this.#calls.find((call) => call.tool_call_id === toolCallId);
  }

  toSnapshot(snapshot: StateSnapshot): StateSnapshot {
    return { ...snapshot, pending_tool_calls: [...this.#calls] };
  }

  /** A frontend call's result from the client: PENDING_APPROVAL → EXECUTED. */
  applyResult(
    toolCallId: string,
    result: ToolResult,
    { now, by }: { now: Date; by?: string },
  ): PendingToolCall {
    return this.decide({ toolCallId, decision: { kind: "result", result }, by, now });
  }

  /** An approval call approved by `by`: PENDING_APPROVAL → APPROVED. */
  approve(
    toolCallId: string,
    { by, editedArgs, now }: { by: string; editedArgs?: Record<string, unknown>; now: Date },
  ): PendingToolCall {
    const decision: ToolCallDecision =
      editedArgs === undefined ? { kind: "approve" } : { kind: "approve", editedArgs };
    return this.decide({ toolCallId, decision, by, now });
  }

  /** An approval or frontend call rejected (or cancelled): PENDING_APPROVAL → REJECTED. */
  reject(
    toolCallId: string,
    { by, reason, now }: { by: string; reason?: string; now: Date },
  ): PendingToolCall {
    const decision: ToolCallDecision =
      reason === undefined ? { kind: "reject" } : { kind: "reject", reason };
    return this.decide({ toolCallId, decision, by, now });
  }

  /**
   * Applies one decision: the identical decision on a call it already settled is a no-op;
   * anything else on a settled call is TOOL_CALL_NOT_PENDING.
   */
  decide({
    toolCallId,
    decision,
    by,
    now,
  }: {
    toolCallId: string;
    decision: ToolCallDecision;
    by?: string | undefined;
    now: Date;
  }): PendingToolCall {
    const call = this.get(toolCallId);
    const check = checkDecision({ call, decision, now });
    if (call === undefined || check === "not_pending") {
      throw new ToolCallNotPendingError({ toolCallIds: [toolCallId] });
    }
    if (check === "expired") {
      throw new InterruptExpiredError({ toolCallIds: [toolCallId] });
    }
    if (check === "noop") {
      return call;
    }
    return this.replace(settleToolCall({ call, decision, by, now }));
  }

  /** The backend executed an approved (or direct) call: APPROVED → EXECUTED. Backend only. */
  // No `now`: the execution time is the checkpoint's, and decided_at keeps the approval time.
  recordExecution(toolCallId: string, result: ToolResult): PendingToolCall {
    const call = this.get(toolCallId);
    if (call === undefined) {
      throw new ToolCallNotPendingError({ toolCallIds: [toolCallId] });
    }
    if (call.mode === "FRONTEND_EXECUTE") {
      throw new IllegalToolCallTransitionError({
        message: `Tool call ${toolCallId} is a frontend call: only the client executes it`,
        details: { tool_call_id: toolCallId, mode: call.mode, from: call.status, to: "EXECUTED" },
      });
    }
    if (call.status === "EXECUTED" && sameResult(call.result, result)) {
      return call;
    }
    assertTransition({ call, to: "EXECUTED" });
    return this.replace({ ...call, status: "EXECUTED", result: { ...result } });
  }

  /** Every open call whose `expires_at` has been reached becomes EXPIRED; returns those. */
  expire(now: Date): PendingToolCall[] {
    const expired: PendingToolCall[] = [];
    for (const call of this.open()) {
      if (isPastExpiry(call, now)) {
        assertTransition({ call, to: "EXPIRED" });
        expired.push(this.replace({ ...call, status: "EXPIRED" }));
      }
    }
    return expired;
  }

  /** Throws TOOL_RESULTS_INCOMPLETE listing every open call not in `suppliedIds`. */
  assertComplete(suppliedIds: Iterable<string>): void {
    const supplied = new Set(suppliedIds);
    const missing = this.open()
      .map((call) => call.tool_call_id)
      .filter((id) => !supplied.has(id));
    if (missing.length > 0) {
      throw new ToolResultsIncompleteError({ toolCallIds: missing });
    }
  }

  private replace(updated: PendingToolCall): PendingToolCall {
    this.#calls = this.#calls.map((call) =>
      call.tool_call_id === updated.tool_call_id ? updated : call,
    );
    return updated;
  }
}
