import { describe, expect, it } from "vitest";
import {
  applyResume,
  CANCELLED_REASON,
  type PendingToolCall,
  PendingToolStore,
  StateSnapshot,
  StateSnapshotSchema,
} from "../../../../../src/core/agent/domain/index.js";
import {
  approvalCall,
  at,
  deepFreeze,
  directCall,
  expectAgentError,
  frontendCall,
} from "./fixtures.js";

function snapshotWith(...calls: PendingToolCall[]) {
  return deepFreeze(StateSnapshot.new({ pendingToolCalls: calls }));
}

describe("applying a resume", () => {
  it("settles every open call at once and reports the changed ones", () => {
    const snapshot = snapshotWith(frontendCall("f1"), approvalCall("a1"), approvalCall("a2"));
    const { snapshot: next, changed } = applyResume({
      snapshot,
      decisions: [
        { kind: "result", toolCallId: "f1", content: "done", error: "warn" },
        { kind: "approve", toolCallId: "a1", editedArgs: { amount: 1 } },
        { kind: "reject", toolCallId: "a2", reason: "too much" },
      ],
      by: "user-1",
      now: at(5),
    });
    expect(changed.map((call) => [call.tool_call_id, call.status])).toEqual([
      ["f1", "EXECUTED"],
      ["a1", "APPROVED"],
      ["a2", "REJECTED"],
    ]);
    expect(next.pending_tool_calls).toEqual(changed);
    expect(changed.every((call) => call.decided_by === "user-1")).toBe(true);
    expect(next.pending_tool_calls[0]?.result).toEqual({ content: "done", error: "warn" });
    expect(StateSnapshotSchema.safeParse(next).success).toBe(true);
    expect(snapshot.pending_tool_calls.every((call) => call.status === "PENDING_APPROVAL")).toBe(
      true,
    );
  });

  it("records a cancel without a reason as a rejection by the client", () => {
    const { changed } = applyResume({
      snapshot: snapshotWith(approvalCall("a1")),
      decisions: [{ kind: "reject", toolCallId: "a1", cancelled: true }],
      by: "user-1",
      now: at(1),
    });
    expect(changed[0]).toMatchObject({ status: "REJECTED", reason: CANCELLED_REASON });
  });

  it("is idempotent when the same resume is replayed", () => {
    const decisions = [
      { kind: "result", toolCallId: "f1", content: "done" },
      { kind: "approve", toolCallId: "a1" },
    ] as const;
    const first = applyResume({
      snapshot: snapshotWith(frontendCall("f1"), approvalCall("a1")),
      decisions,
      by: "user-1",
      now: at(1),
    });
    const replay = applyResume({
      snapshot: deepFreeze(first.snapshot),
      decisions,
      by: "user-1",
      now: at(2),
    });
    expect(replay.changed).toEqual([]);
    expect(replay.snapshot).toBe(first.snapshot);
  });

  it("refuses unknown, settled, mismatched and repeated ids together, listing each once", () => {
    const store = new PendingToolStore([
      frontendCall("f1"),
      approvalCall("a1"),
      directCall("d1"),
      frontendCall("done"),
    ]);
    store.applyResult("done", { content: "x" }, { now: at(0) });
    const snapshot = deepFreeze(store.toSnapshot(StateSnapshot.new()));
    const error = expectAgentError(
      () =>
        applyResume({
          snapshot,
          decisions: [
            { kind: "approve", toolCallId: "f1" },
            { kind: "result", toolCallId: "a1", content: "client can't" },
            { kind: "result", toolCallId: "d1", content: "nor here" },
            { kind: "result", toolCallId: "done", content: "different" },
            { kind: "reject", toolCallId: "ghost" },
            { kind: "reject", toolCallId: "ghost" },
          ],
          by: "user-1",
          now: at(1),
        }),
      "TOOL_CALL_NOT_PENDING",
    );
    expect(error.details?.tool_call_ids).toEqual(["f1", "a1", "d1", "done", "ghost"]);
  });

  it("refuses one id answered twice, even with the same answer", () => {
    const error = expectAgentError(
      () =>
        applyResume({
          snapshot: snapshotWith(frontendCall("f1")),
          decisions: [
            { kind: "result", toolCallId: "f1", content: "x" },
            { kind: "result", toolCallId: "f1", content: "x" },
          ],
          by: "user-1",
          now: at(1),
        }),
      "TOOL_CALL_NOT_PENDING",
    );
    expect(error.details?.tool_call_ids).toEqual(["f1"]);
  });

  it("checks ids before expiry and expiry before completeness", () => {
    const snapshot = snapshotWith(approvalCall("late", 10), frontendCall("f1"), approvalCall("a1"));
    const notPending = expectAgentError(
      () =>
        applyResume({
          snapshot,
          decisions: [
            { kind: "approve", toolCallId: "late" },
            { kind: "reject", toolCallId: "ghost" },
          ],
          by: "user-1",
          now: at(20),
        }),
      "TOOL_CALL_NOT_PENDING",
    );
    expect(notPending.details?.tool_call_ids).toEqual(["ghost"]);
    const expired = expectAgentError(
      () =>
        applyResume({
          snapshot,
          decisions: [{ kind: "approve", toolCallId: "late" }],
          by: "u",
          now: at(20),
        }),
      "INTERRUPT_EXPIRED",
    );
    expect(expired.details?.tool_call_ids).toEqual(["late"]);
    const incomplete = expectAgentError(
      () =>
        applyResume({
          snapshot,
          decisions: [{ kind: "reject", toolCallId: "late" }],
          by: "u",
          now: at(20),
        }),
      "TOOL_RESULTS_INCOMPLETE",
    );
    expect(incomplete.details?.tool_call_ids).toEqual(["f1", "a1"]);
  });

  it("accepts cancelling an expired interrupt", () => {
    const { changed } = applyResume({
      snapshot: snapshotWith(approvalCall("late", 10)),
      decisions: [{ kind: "reject", toolCallId: "late", cancelled: true }],
      by: "user-1",
      now: at(20),
    });
    expect(changed[0]?.status).toBe("REJECTED");
  });
});
