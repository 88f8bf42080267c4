import { describe, expect, it } from "vitest";
import {
  SnapshotInvalidError,
  StateSnapshot,
  StateSnapshotSchema,
} from "../../../../../src/core/agent/domain/index.js";
import { approvalCall, expectAgentError, frontendCall } from "./fixtures.js";

describe("a new state snapshot", () => {
  it("test_pending_tool_call_snapshot_contains_correlation_fields: a new snapshot with one pending call keeps its tool_call_id and status PENDING_APPROVAL", () => {
    const snapshot = StateSnapshot.new({ pendingToolCalls: [approvalCall("call-1", 300)] });

    expect(snapshot.pending_tool_calls).toHaveLength(1);
    const [call] = snapshot.pending_tool_calls;
    expect(call).toMatchObject({
      tool_call_id: "call-1",
      tool_name: "srv.transfer_funds",
      mode: "BACKEND_APPROVAL_INTERRUPT",
      status: "PENDING_APPROVAL",
      stage: "plan",
      interrupt_id: "interrupt-call-1",
      requested_at: "2030-01-01T00:00:00.000Z",
      expires_at: "2030-01-01T00:05:00.000Z",
    });
    expect(StateSnapshotSchema.safeParse(snapshot).success).toBe(true);
  });

  it("starts at schema_version 2 with no run, no stages, empty state and zero usage", () => {
    expect(StateSnapshot.new()).toEqual({
      schema_version: 2,
      run: null,
      stages: {},
      pending_tool_calls: [],
      agent_state: {},
      usage: { input_tokens: 0, output_tokens: 0, cost_usd: "0" },
    });
  });

  it("does not share the caller's array of calls", () => {
    const calls = [frontendCall("call-1")];
    const snapshot = StateSnapshot.new({ pendingToolCalls: calls });
    calls.push(frontendCall("call-2"));
    expect(snapshot.pending_tool_calls).toHaveLength(1);
  });

  it("refuses calls that break the correlation rules, naming the field", () => {
    const withoutInterrupt = { ...approvalCall("call-1") };
    delete withoutInterrupt.interrupt_id;
    const error = expectAgentError(
      () => StateSnapshot.new({ pendingToolCalls: [withoutInterrupt] }),
      "SNAPSHOT_INVALID",
    );
    expect(error).toBeInstanceOf(SnapshotInvalidError);
    expect(error.message).toContain("pending_tool_calls[0].interrupt_id");

    const duplicated = expectAgentError(
      () => StateSnapshot.new({ pendingToolCalls: [frontendCall("same"), frontendCall("same")] }),
      "SNAPSHOT_INVALID",
    );
    expect(duplicated.message).toContain("pending_tool_calls[1].tool_call_id");
  });
});
