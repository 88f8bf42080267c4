import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AgentError,
  canTransition,
  isOpenToolCall,
  isPastExpiry,
  isTerminalToolCallStatus,
  type PendingToolCall,
  PendingToolStore,
  StateSnapshot,
  StateSnapshotSchema,
  TOOL_CALL_MODES,
  type ToolCallMode,
} from "../../../../../src/core/agent/domain/index.js";
import { approvalCall, at, directCall, frontendCall } from "./fixtures.js";

type CallSpec = { mode: ToolCallMode; ttlSeconds: number | undefined };
type Operation =
  | { kind: "result"; target: number; content: "a" | "b"; advance: number }
  | { kind: "approve"; target: number; edited: boolean; advance: number }
  | { kind: "reject"; target: number; reason: "no" | "later" | undefined; advance: number }
  | { kind: "execute"; target: number; content: "a" | "b"; advance: number }
  | { kind: "expire"; target: number; advance: number };

const callSpec: fc.Arbitrary<CallSpec> = fc.record({
  mode: fc.constantFrom(...TOOL_CALL_MODES),
  ttlSeconds: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
});
// A target past the last call stands for an unknown id.
const target = fc.integer({ min: 0, max: 8 });
const advance = fc.integer({ min: 0, max: 120 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("result"), target, content: fc.constantFrom("a", "b"), advance }),
  fc.record({ kind: fc.constant("approve"), target, edited: fc.boolean(), advance }),
  fc.record({
    kind: fc.constant("reject"),
    target,
    reason: fc.constantFrom("no", "later", undefined),
    advance,
  }),
  fc.record({ kind: fc.constant("execute"), target, content: fc.constantFrom("a", "b"), advance }),
  fc.record({ kind: fc.constant("expire"), target, advance }),
);

function buildCalls(specs: readonly CallSpec[]): PendingToolCall[] {
  return specs.map(({ mode, ttlSeconds }, index) => {
    const id = `call-${index}`;
    if (mode === "FRONTEND_EXECUTE") return frontendCall(id, ttlSeconds);
    if (mode === "BACKEND_APPROVAL_INTERRUPT") return approvalCall(id, ttlSeconds);
    return directCall(id);
  });
}

function perform(store: PendingToolStore, operation: Operation, now: Date): void {
  const id = `call-${operation.target}`;
  switch (operation.kind) {
    case "result":
      store.applyResult(id, { content: operation.content }, { now });
      return;
    case "approve":
      store.approve(id, {
        by: "user",
        now,
        ...(operation.edited ? { editedArgs: { amount: 1 } } : {}),
      });
      return;
    case "reject":
      store.reject(id, {
        by: "user",
        now,
        ...(operation.reason === undefined ? {} : { reason: operation.reason }),
      });
      return;
    case "execute":
      store.recordExecution(id, { content: operation.content });
      return;
    case "expire":
      store.expire(now);
      return;
  }
}

/** Client-facing moves fail only with correlation codes; a bad backend move is a bug. */
const ALLOWED_ERRORS: Record<Operation["kind"], readonly string[]> = {
  result: ["TOOL_CALL_NOT_PENDING", "INTERRUPT_EXPIRED"],
  approve: ["TOOL_CALL_NOT_PENDING", "INTERRUPT_EXPIRED"],
  reject: ["TOOL_CALL_NOT_PENDING"],
  execute: ["TOOL_CALL_NOT_PENDING", "ILLEGAL_TOOL_CALL_TRANSITION"],
  expire: [],
};

const IDENTITY_FIELDS = [
  "tool_call_id",
  "tool_name",
  "args",
  "mode",
  "stage",
  "interrupt_id",
  "requested_at",
  "expires_at",
] as const;

function checkStep(before: readonly PendingToolCall[], after: readonly PendingToolCall[]) {
  expect(after.map((call) => call.tool_call_id)).toEqual(before.map((call) => call.tool_call_id));
  for (const [index, previous] of before.entries()) {
    const next = after[index] as PendingToolCall;
    for (const field of IDENTITY_FIELDS) {
      expect(next[field]).toEqual(previous[field]);
    }
    if (isTerminalToolCallStatus(previous.status)) {
      expect(next).toEqual(previous);
    } else if (next.status !== previous.status) {
      expect(canTransition({ mode: previous.mode, from: previous.status, to: next.status })).toBe(
        true,
      );
    }
  }
}

/** The next single step the runtime would take to settle a call, or undefined when settled. */
function settlingStep(store: PendingToolStore, call: PendingToolCall, now: Date) {
  const id = call.tool_call_id;
  if (isOpenToolCall(call) && isPastExpiry(call, now)) {
    return () => store.reject(id, { by: "user", now });
  }
  if (isOpenToolCall(call) && call.mode === "FRONTEND_EXECUTE") {
    return () => store.applyResult(id, { content: "final" }, { now });
  }
  if (isOpenToolCall(call)) {
    return () => store.approve(id, { by: "user", now });
  }
  if (call.status === "APPROVED") {
    return () => store.recordExecution(id, { content: "final" });
  }
  return undefined;
}

/** Drives every unsettled call to a terminal status, checking every single move. */
function settleEverything(store: PendingToolStore, now: Date) {
  for (const { tool_call_id } of store.calls()) {
    for (let call = store.get(tool_call_id); call !== undefined; ) {
      const step = settlingStep(store, call, now);
      if (step === undefined) break;
      const before = store.calls();
      step();
      checkStep(before, store.calls());
      call = store.get(tool_call_id);
    }
  }
}

describe("pending tool store under random operations", () => {
  it("never makes an illegal move, never loses, duplicates or reopens a call, and settles every call in one terminal status", () => {
    fc.assert(
      fc.property(
        fc.array(callSpec, { minLength: 1, maxLength: 8 }),
        fc.array(operation, { maxLength: 40 }),
        (specs, operations) => {
          const calls = buildCalls(specs);
          const store = new PendingToolStore(calls);
          let seconds = 0;
          for (const step of operations) {
            seconds += step.advance;
            const now = at(seconds);
            const before = store.calls();
            try {
              perform(store, step, now);
            } catch (error) {
              expect(AgentError.isInstance(error)).toBe(true);
              expect(ALLOWED_ERRORS[step.kind]).toContain((error as AgentError).code);
              expect(store.calls()).toEqual(before);
            }
            const after = store.calls();
            checkStep(before, after);
            const targetCall = before.find((call) => call.tool_call_id === `call-${step.target}`);
            if (step.kind === "result" && targetCall?.mode !== "FRONTEND_EXECUTE") {
              expect(after).toEqual(before);
            }
            if (step.kind === "execute" && targetCall?.mode === "FRONTEND_EXECUTE") {
              expect(after).toEqual(before);
            }
            if (step.kind === "expire") {
              expect(store.open().filter((call) => isPastExpiry(call, now))).toEqual([]);
            }
            const snapshot = store.toSnapshot(StateSnapshot.new());
            expect(StateSnapshotSchema.safeParse(snapshot).success).toBe(true);
          }

          settleEverything(store, at(seconds));
          expect(store.calls()).toHaveLength(calls.length);
          for (const call of store.calls()) {
            expect(isTerminalToolCallStatus(call.status)).toBe(true);
            expect(call.status === "EXECUTED").toBe(call.result !== undefined);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
