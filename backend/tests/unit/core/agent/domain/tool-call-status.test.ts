import { describe, expect, it } from "vitest";
import {
  assertTransition,
  canTransition,
  IllegalToolCallTransitionError,
  initialToolCallStatus,
  isOpenToolCall,
  isTerminalToolCallStatus,
  reachableToolCallStatuses,
  TOOL_CALL_MODES,
  TOOL_CALL_STATUSES,
  type ToolCallMode,
  type ToolCallStatus,
} from "../../../../../src/core/agent/domain/index.js";
import { expectAgentError } from "./fixtures.js";

const LEGAL: Record<ToolCallMode, readonly string[]> = {
  FRONTEND_EXECUTE: [
    "PENDING_APPROVAL→EXECUTED",
    "PENDING_APPROVAL→REJECTED",
    "PENDING_APPROVAL→EXPIRED",
  ],
  BACKEND_APPROVAL_INTERRUPT: [
    "PENDING_APPROVAL→APPROVED",
    "PENDING_APPROVAL→REJECTED",
    "PENDING_APPROVAL→EXPIRED",
    "APPROVED→EXECUTED",
  ],
  BACKEND_DIRECT_EXECUTE: ["APPROVED→EXECUTED"],
  BACKEND_INPUT_INTERRUPT: [
    "PENDING_APPROVAL→EXECUTED",
    "PENDING_APPROVAL→REJECTED",
    "PENDING_APPROVAL→EXPIRED",
  ],
};

describe("tool call status machine", () => {
  it("allows exactly the documented transitions for every mode and refuses all others", () => {
    for (const mode of TOOL_CALL_MODES) {
      for (const from of TOOL_CALL_STATUSES) {
        for (const to of TOOL_CALL_STATUSES) {
          const expected = LEGAL[mode].includes(`${from}→${to}`);
          expect(canTransition({ mode, from, to }), `${mode} ${from}→${to}`).toBe(expected);
        }
      }
    }
  });

  it("never leaves EXECUTED, REJECTED or EXPIRED", () => {
    for (const mode of TOOL_CALL_MODES) {
      for (const from of TOOL_CALL_STATUSES.filter(isTerminalToolCallStatus)) {
        for (const to of TOOL_CALL_STATUSES) {
          expect(canTransition({ mode, from, to })).toBe(false);
        }
      }
    }
    expect(TOOL_CALL_STATUSES.filter(isTerminalToolCallStatus)).toEqual([
      "EXECUTED",
      "REJECTED",
      "EXPIRED",
    ]);
  });

  it("creates direct backend calls auto-approved and all others pending", () => {
    expect(initialToolCallStatus("BACKEND_DIRECT_EXECUTE")).toBe("APPROVED");
    expect(initialToolCallStatus("BACKEND_APPROVAL_INTERRUPT")).toBe("PENDING_APPROVAL");
    expect(initialToolCallStatus("FRONTEND_EXECUTE")).toBe("PENDING_APPROVAL");
  });

  it("knows which statuses each mode can ever hold", () => {
    expect(reachableToolCallStatuses("FRONTEND_EXECUTE")).toEqual([
      "PENDING_APPROVAL",
      "EXECUTED",
      "REJECTED",
      "EXPIRED",
    ]);
    expect(reachableToolCallStatuses("BACKEND_DIRECT_EXECUTE")).toEqual(["APPROVED", "EXECUTED"]);
    expect(reachableToolCallStatuses("BACKEND_APPROVAL_INTERRUPT")).toEqual([
      ...TOOL_CALL_STATUSES,
    ]);
  });

  it("treats only PENDING_APPROVAL calls as open", () => {
    const open = TOOL_CALL_STATUSES.filter((status) => isOpenToolCall({ status }));
    expect(open).toEqual(["PENDING_APPROVAL"]);
  });
});

describe("asserting a transition on a call", () => {
  const call = (mode: ToolCallMode, status: ToolCallStatus, expires_at?: string) => ({
    tool_call_id: "call-1",
    mode,
    status,
    ...(expires_at === undefined ? {} : { expires_at }),
  });

  it("throws ILLEGAL_TOOL_CALL_TRANSITION naming the call, mode and both statuses", () => {
    const error = expectAgentError(
      () =>
        assertTransition({ call: call("FRONTEND_EXECUTE", "PENDING_APPROVAL"), to: "APPROVED" }),
      "ILLEGAL_TOOL_CALL_TRANSITION",
    );
    expect(error).toBeInstanceOf(IllegalToolCallTransitionError);
    expect(error.details).toEqual({
      tool_call_id: "call-1",
      mode: "FRONTEND_EXECUTE",
      from: "PENDING_APPROVAL",
      to: "APPROVED",
    });
  });

  it("refuses to expire a call that has no expires_at, in any mode", () => {
    for (const mode of ["FRONTEND_EXECUTE", "BACKEND_APPROVAL_INTERRUPT"] as const) {
      expectAgentError(
        () => assertTransition({ call: call(mode, "PENDING_APPROVAL"), to: "EXPIRED" }),
        "ILLEGAL_TOOL_CALL_TRANSITION",
      );
      expect(() =>
        assertTransition({
          call: call(mode, "PENDING_APPROVAL", "2030-01-01T00:00:00.000Z"),
          to: "EXPIRED",
        }),
      ).not.toThrow();
    }
  });

  it("accepts the backend's execution of an approved call", () => {
    expect(() =>
      assertTransition({ call: call("BACKEND_DIRECT_EXECUTE", "APPROVED"), to: "EXECUTED" }),
    ).not.toThrow();
  });
});
