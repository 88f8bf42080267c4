import { describe, expect, it } from "vitest";
import {
  InterruptExpiredError,
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
  T0,
} from "./fixtures.js";

function storeOf(...calls: PendingToolCall[]) {
  return new PendingToolStore(deepFreeze(calls));
}

describe("frontend tool results", () => {
  it("executes an open frontend call with the client's result", () => {
    const store = storeOf(frontendCall("f1"));
    const executed = store.applyResult(
      "f1",
      { content: "ok", error: "partial" },
      { now: at(1), by: "user-1" },
    );
    expect(executed).toMatchObject({
      status: "EXECUTED",
      result: { content: "ok", error: "partial" },
      decided_at: at(1).toISOString(),
      decided_by: "user-1",
    });
    expect(store.open()).toEqual([]);
  });

  it("accepts the identical result again without change, and refuses a different one", () => {
    const store = storeOf(frontendCall("f1"));
    const first = store.applyResult("f1", { content: "ok" }, { now: at(1) });
    expect(store.applyResult("f1", { content: "ok" }, { now: at(9) })).toBe(first);
    expect(store.get("f1")).toBe(first);
    expectAgentError(
      () => store.applyResult("f1", { content: "other" }, { now: at(9) }),
      "TOOL_CALL_NOT_PENDING",
    );
    expectAgentError(
      () => store.applyResult("f1", { content: "ok", error: "boom" }, { now: at(9) }),
      "TOOL_CALL_NOT_PENDING",
    );
  });

  it("refuses a result past expires_at with INTERRUPT_EXPIRED and changes nothing", () => {
    const store = storeOf(frontendCall("f1", 60));
    const before = store.calls();
    const error = expectAgentError(
      () => store.applyResult("f1", { content: "late" }, { now: at(60) }),
      "INTERRUPT_EXPIRED",
    );
    expect(error).toBeInstanceOf(InterruptExpiredError);
    expect(error.details?.tool_call_ids).toEqual(["f1"]);
    expect(store.calls()).toEqual(before);
  });

  it("refuses a client result for any backend call", () => {
    const store = storeOf(approvalCall("a1"), directCall("d1"));
    for (const id of ["a1", "d1"]) {
      expectAgentError(
        () => store.applyResult(id, { content: "x" }, { now: T0 }),
        "TOOL_CALL_NOT_PENDING",
      );
    }
  });
});

describe("approvals and rejections", () => {
  it("approves with edited args, recording who and when", () => {
    const store = storeOf(approvalCall("a1", 300));
    expect(
      store.approve("a1", { by: "user-1", editedArgs: { amount: 5 }, now: at(10) }),
    ).toMatchObject({
      status: "APPROVED",
      decided_by: "user-1",
      decided_at: at(10).toISOString(),
      edited_args: { amount: 5 },
      args: { amount: 10, to: "acct-1" },
    });
  });

  it("treats the identical approval as a no-op, also after execution, and refuses a different one", () => {
    const store = storeOf(approvalCall("a1"));
    const approved = store.approve("a1", { by: "user-1", editedArgs: { amount: 5 }, now: at(1) });
    expect(store.approve("a1", { by: "user-1", editedArgs: { amount: 5 }, now: at(2) })).toBe(
      approved,
    );
    expectAgentError(
      () => store.approve("a1", { by: "user-1", now: at(2) }),
      "TOOL_CALL_NOT_PENDING",
    );
    expectAgentError(
      () => store.reject("a1", { by: "user-1", now: at(2) }),
      "TOOL_CALL_NOT_PENDING",
    );
    const executed = store.recordExecution("a1", { content: "done" });
    expect(store.approve("a1", { by: "user-1", editedArgs: { amount: 5 }, now: at(4) })).toBe(
      executed,
    );
  });

  it("refuses an approval past expires_at but still accepts a rejection (a cancel of an expired interrupt)", () => {
    const store = storeOf(approvalCall("a1", 60));
    expectAgentError(() => store.approve("a1", { by: "user-1", now: at(61) }), "INTERRUPT_EXPIRED");
    expect(store.get("a1")?.status).toBe("PENDING_APPROVAL");
    expect(store.reject("a1", { by: "user-1", reason: "too late", now: at(61) })).toMatchObject({
      status: "REJECTED",
      reason: "too late",
    });
  });

  it("lets the client cancel a frontend call but never approve it", () => {
    const store = storeOf(frontendCall("f1"), frontendCall("f2"));
    expectAgentError(() => store.approve("f1", { by: "user-1", now: T0 }), "TOOL_CALL_NOT_PENDING");
    expect(store.reject("f2", { by: "user-1", now: T0 }).status).toBe("REJECTED");
  });

  it("treats the identical rejection as a no-op and a different reason as not pending", () => {
    const store = storeOf(approvalCall("a1"));
    const rejected = store.reject("a1", { by: "user-1", reason: "no", now: at(1) });
    expect(store.reject("a1", { by: "user-2", reason: "no", now: at(2) })).toBe(rejected);
    expectAgentError(
      () => store.reject("a1", { by: "user-1", reason: "nope", now: at(2) }),
      "TOOL_CALL_NOT_PENDING",
    );
  });

  it("refuses to approve or reject a direct backend call", () => {
    const store = storeOf(directCall("d1"));
    expectAgentError(() => store.approve("d1", { by: "user-1", now: T0 }), "TOOL_CALL_NOT_PENDING");
    expectAgentError(() => store.reject("d1", { by: "user-1", now: T0 }), "TOOL_CALL_NOT_PENDING");
  });
});

describe("backend execution", () => {
  it("executes approved and direct calls, idempotently for the same result", () => {
    const store = storeOf(directCall("d1"));
    const executed = store.recordExecution("d1", { content: "42" });
    expect(executed).toMatchObject({ status: "EXECUTED", result: { content: "42" } });
    expect(store.recordExecution("d1", { content: "42" })).toBe(executed);
    expectAgentError(
      () => store.recordExecution("d1", { content: "43" }),
      "ILLEGAL_TOOL_CALL_TRANSITION",
    );
  });

  it("refuses to execute an approval call that was not approved, or any frontend call", () => {
    const store = storeOf(approvalCall("a1"), frontendCall("f1"));
    expectAgentError(
      () => store.recordExecution("a1", { content: "x" }),
      "ILLEGAL_TOOL_CALL_TRANSITION",
    );
    expectAgentError(
      () => store.recordExecution("f1", { content: "x" }),
      "ILLEGAL_TOOL_CALL_TRANSITION",
    );
    expectAgentError(
      () => store.recordExecution("nope", { content: "x" }),
      "TOOL_CALL_NOT_PENDING",
    );
    expect(store.open()).toHaveLength(2);
  });
});

describe("expiry and completeness", () => {
  it("expires every open call whose expires_at has been reached, and only those", () => {
    const store = storeOf(
      approvalCall("a60", 60),
      frontendCall("f60", 60),
      approvalCall("a120", 120),
      approvalCall("never"),
      directCall("d1"),
    );
    store.approve("a120", { by: "user-1", now: T0 });
    expect(store.expire(at(59))).toEqual([]);
    const expired = store.expire(at(200));
    expect(expired.map((call) => call.tool_call_id)).toEqual(["a60", "f60"]);
    expect(expired.every((call) => call.status === "EXPIRED")).toBe(true);
    expect(store.get("a120")?.status).toBe("APPROVED");
    expect(store.get("never")?.status).toBe("PENDING_APPROVAL");
    expect(store.expire(at(300))).toEqual([]);
    expectAgentError(
      () => store.reject("a60", { by: "user-1", now: at(300) }),
      "TOOL_CALL_NOT_PENDING",
    );
  });

  it("lists every open call a resume did not answer", () => {
    const store = storeOf(
      frontendCall("f1"),
      approvalCall("a1"),
      approvalCall("a2"),
      directCall("d1"),
    );
    const error = expectAgentError(
      () => store.assertComplete(["a1", "unrelated"]),
      "TOOL_RESULTS_INCOMPLETE",
    );
    expect(error.details?.tool_call_ids).toEqual(["f1", "a2"]);
    expect(() => store.assertComplete(["f1", "a1", "a2"])).not.toThrow();
  });

  it("refuses calls with a repeated id", () => {
    expectAgentError(
      () => new PendingToolStore([frontendCall("x"), approvalCall("x")]),
      "SNAPSHOT_INVALID",
    );
  });

  it("writes its calls back into a new snapshot without touching the old one", () => {
    const snapshot = deepFreeze(StateSnapshot.new({ pendingToolCalls: [frontendCall("f1")] }));
    const store = PendingToolStore.fromSnapshot(snapshot);
    store.applyResult("f1", { content: "ok" }, { now: T0 });
    const next = store.toSnapshot(snapshot);
    expect(snapshot.pending_tool_calls[0]?.status).toBe("PENDING_APPROVAL");
    expect(next.pending_tool_calls[0]?.status).toBe("EXECUTED");
    expect(StateSnapshotSchema.safeParse(next).success).toBe(true);
  });
});
