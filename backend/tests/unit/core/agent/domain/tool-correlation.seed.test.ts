import { describe, expect, it } from "vitest";
import {
  classifyToolCall,
  createPendingToolCall,
  PendingToolStore,
  StateSnapshot,
  ToolCorrelationError,
} from "../../../../../src/core/agent/domain/index.js";
import { at, expectAgentError, T0, thrown } from "./fixtures.js";

describe("tool call correlation (seed scenarios)", () => {
  it("test_backend_approval_tool_returns_interrupt_but_executes_on_backend_after_approve: srv.transfer_funds needs approval, is APPROVED after approve, executed by the backend and never by the client", () => {
    const classification = classifyToolCall({
      name: "srv.transfer_funds",
      clientTools: [{ name: "ui.navigate_to" }],
      backendTools: {
        "srv.transfer_funds": { name: "srv.transfer_funds", requires_approval: true },
      },
    });
    expect(classification.mode).toBe("BACKEND_APPROVAL_INTERRUPT");

    const call = createPendingToolCall({
      toolCallId: "call-1",
      toolName: "srv.transfer_funds",
      args: { amount: 100 },
      mode: classification.mode,
      stage: "act",
      now: T0,
      interruptId: "interrupt-1",
      ttlSeconds: 300,
    });
    const store = PendingToolStore.fromSnapshot(StateSnapshot.new({ pendingToolCalls: [call] }));
    expect(store.open().map((open) => open.tool_call_id)).toEqual(["call-1"]);

    expectAgentError(
      () => store.applyResult("call-1", { content: "sent" }, { now: at(1) }),
      "TOOL_CALL_NOT_PENDING",
    );
    const approved = store.approve("call-1", { by: "user-1", now: at(2) });
    expect(approved).toMatchObject({
      status: "APPROVED",
      decided_by: "user-1",
      decided_at: at(2).toISOString(),
    });

    const clientResult = thrown(() =>
      store.applyResult("call-1", { content: "client says sent" }, { now: at(3) }),
    );
    expect(clientResult).toBeInstanceOf(ToolCorrelationError);
    expect((clientResult as ToolCorrelationError).code).toBe("TOOL_CALL_NOT_PENDING");

    const executed = store.recordExecution("call-1", { content: "transfer ok" });
    expect(executed).toMatchObject({ status: "EXECUTED", result: { content: "transfer ok" } });
    expect(store.toSnapshot(StateSnapshot.new()).pending_tool_calls[0]?.status).toBe("EXECUTED");
  });

  it("test_rejects_tool_result_when_tool_call_id_not_pending: an empty store refuses a result for an unknown id with ToolCorrelationError / TOOL_CALL_NOT_PENDING", () => {
    const store = PendingToolStore.fromSnapshot(StateSnapshot.new());
    const error = thrown(() => store.applyResult("unknown", { content: "x" }, { now: T0 }));

    expect(error).toBeInstanceOf(ToolCorrelationError);
    expect(ToolCorrelationError.isInstance(error)).toBe(true);
    const correlation = error as ToolCorrelationError;
    expect(correlation.code).toBe("TOOL_CALL_NOT_PENDING");
    expect(correlation.httpStatus).toBe(409);
    expect(correlation.details.tool_call_ids).toEqual(["unknown"]);
    expect(store.calls()).toEqual([]);
  });
});
