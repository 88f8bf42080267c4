import { expect } from "vitest";
import {
  AgentError,
  createPendingToolCall,
  type ErrorCode,
  type PendingToolCall,
} from "../../../../../src/core/agent/domain/index.js";

export const T0 = new Date("2030-01-01T00:00:00.000Z");

/** `seconds` after T0. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export function frontendCall(id: string, ttlSeconds?: number): PendingToolCall {
  return createPendingToolCall({
    toolCallId: id,
    toolName: "ui.navigate_to",
    args: { path: "/home" },
    mode: "FRONTEND_EXECUTE",
    stage: "plan",
    now: T0,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
}

export function approvalCall(id: string, ttlSeconds?: number): PendingToolCall {
  return createPendingToolCall({
    toolCallId: id,
    toolName: "srv.transfer_funds",
    args: { amount: 10, to: "acct-1" },
    mode: "BACKEND_APPROVAL_INTERRUPT",
    stage: "plan",
    now: T0,
    interruptId: `interrupt-${id}`,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
}

/** An ask-the-user call: the answer to its interrupt becomes its result. */
export function inputCall(id: string, ttlSeconds?: number): PendingToolCall {
  const call = createPendingToolCall({
    toolCallId: id,
    toolName: "schedule_meeting",
    args: { topic: "sync" },
    mode: "BACKEND_INPUT_INTERRUPT",
    stage: "plan",
    now: T0,
    interruptId: `interrupt-${id}`,
    interrupt: {
      reason: "input_required",
      message: "Pick a time",
      response_schema: {
        type: "object",
        properties: { chosen_time: { type: "string" }, chosen_label: { type: "string" } },
        required: ["chosen_time"],
      },
    },
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  return call;
}

export function directCall(id: string): PendingToolCall {
  return createPendingToolCall({
    toolCallId: id,
    toolName: "srv.lookup",
    args: { query: "x" },
    mode: "BACKEND_DIRECT_EXECUTE",
    stage: "plan",
    now: T0,
  });
}

/** Freezes a value recursively, so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

/** What `action` threw; fails the test when it returns normally. */
export function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the action to throw, but it returned");
}

/** Asserts `action` throws an AgentError with `code` and returns it for further checks. */
export function expectAgentError(action: () => unknown, code: ErrorCode): AgentError {
  const error = thrown(action);
  expect(AgentError.isInstance(error)).toBe(true);
  expect((error as AgentError).code).toBe(code);
  return error as AgentError;
}
