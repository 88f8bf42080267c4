import { InterruptSchema } from "@ag-ui/core/schemas";
import { describe, expect, it } from "vitest";
import {
  applyResume,
  decisionsFromResumeEntries,
  interruptsForPendingCalls,
  PendingToolStore,
  RequestError,
  StateSnapshot,
} from "../../../../../src/core/agent/domain/index.js";
import { AjvJsonSchemaValidator } from "../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";
import {
  approvalCall,
  at,
  directCall,
  expectAgentError,
  frontendCall,
  inputCall,
} from "./fixtures.js";

const validator = new AjvJsonSchemaValidator();

describe("pending approval calls as AG-UI interrupts", () => {
  it("maps each open approval call to a tool_call interrupt that AG-UI's schema accepts", () => {
    const interrupts = interruptsForPendingCalls([
      approvalCall("a1", 300),
      frontendCall("f1"),
      directCall("d1"),
      approvalCall("a2"),
    ]);
    expect(interrupts).toEqual([
      {
        id: "interrupt-a1",
        reason: "tool_call",
        toolCallId: "a1",
        message: "Approve srv.transfer_funds?",
        responseSchema: {
          type: "object",
          properties: {
            approved: { type: "boolean" },
            edited_args: { type: "object" },
            reason: { type: "string" },
          },
          required: ["approved"],
        },
        expiresAt: "2030-01-01T00:05:00.000Z",
      },
      expect.objectContaining({ id: "interrupt-a2", toolCallId: "a2" }),
    ]);
    for (const interrupt of interrupts) {
      expect(InterruptSchema.strict().safeParse(interrupt).success).toBe(true);
    }
  });

  it("omits expiresAt rather than sending null when the call never expires", () => {
    const [interrupt] = interruptsForPendingCalls([approvalCall("a1")]);
    expect(interrupt).not.toHaveProperty("expiresAt");
    expect(Object.values(interrupt ?? {})).not.toContain(null);
  });

  it("maps an open input call to an interrupt with its own reason, message and responseSchema", () => {
    const interrupts = interruptsForPendingCalls([inputCall("i1", 60), approvalCall("a1")]);
    expect(interrupts[0]).toEqual({
      id: "interrupt-i1",
      reason: "input_required",
      toolCallId: "i1",
      message: "Pick a time",
      responseSchema: {
        type: "object",
        properties: { chosen_time: { type: "string" }, chosen_label: { type: "string" } },
        required: ["chosen_time"],
      },
      expiresAt: "2030-01-01T00:01:00.000Z",
    });
    expect(interrupts[1]?.reason).toBe("tool_call");
    for (const interrupt of interrupts) {
      expect(InterruptSchema.strict().safeParse(interrupt).success).toBe(true);
    }
  });

  it("leaves out approval calls that are already decided", () => {
    const store = new PendingToolStore([approvalCall("a1"), approvalCall("a2")]);
    store.approve("a1", { by: "user-1", now: at(1) });
    expect(
      interruptsForPendingCalls(store.calls()).map((interrupt) => interrupt.toolCallId),
    ).toEqual(["a2"]);
  });
});

describe("AG-UI resume entries as decisions", () => {
  const calls = [approvalCall("a1"), approvalCall("a2"), approvalCall("a3"), approvalCall("a4")];

  it("turns approvals (with either spelling of edited args), denials and cancels into decisions", () => {
    const { decisions, ignored } = decisionsFromResumeEntries({
      validator,
      calls,
      entries: [
        {
          interruptId: "interrupt-a1",
          status: "resolved",
          payload: { approved: true, edited_args: { amount: 1 } },
        },
        {
          interruptId: "interrupt-a2",
          status: "resolved",
          payload: { approved: true, editedArgs: { amount: 2 } },
        },
        {
          interruptId: "interrupt-a3",
          status: "resolved",
          payload: { approved: false, reason: "no" },
        },
        { interruptId: "interrupt-a4", status: "cancelled" },
      ],
    });
    expect(decisions).toEqual([
      { kind: "approve", toolCallId: "a1", editedArgs: { amount: 1 } },
      { kind: "approve", toolCallId: "a2", editedArgs: { amount: 2 } },
      { kind: "reject", toolCallId: "a3", reason: "no" },
      { kind: "reject", toolCallId: "a4", cancelled: true },
    ]);
    expect(ignored).toEqual([]);
    const { changed } = applyResume({
      snapshot: StateSnapshot.new({ pendingToolCalls: calls }),
      decisions,
      by: "user-1",
      now: at(1),
    });
    expect(changed.map((call) => call.status)).toEqual([
      "APPROVED",
      "APPROVED",
      "REJECTED",
      "REJECTED",
    ]);
  });

  it("approves without edits when the payload has none", () => {
    expect(
      decisionsFromResumeEntries({
        validator,
        calls,
        entries: [{ interruptId: "interrupt-a1", status: "resolved", payload: { approved: true } }],
      }).decisions,
    ).toEqual([{ kind: "approve", toolCallId: "a1" }]);
  });

  // AG-UI 1.0 (interrupt-resume): an unrecognised entry SHOULD be skipped with a warning.
  it("skips entries for unknown interrupt ids and reports them, keeping the known ones", () => {
    const { decisions, ignored } = decisionsFromResumeEntries({
      validator,
      calls,
      entries: [
        { interruptId: "interrupt-a1", status: "cancelled" },
        { interruptId: "ghost-1", status: "cancelled" },
        { interruptId: "ghost-2", status: "resolved", payload: { approved: true } },
      ],
    });
    expect(decisions).toEqual([{ kind: "reject", toolCallId: "a1", cancelled: true }]);
    expect(ignored).toEqual(["ghost-1", "ghost-2"]);
  });

  it("turns an input interrupt's valid payload into the call's result, and cancel into a rejection", () => {
    const { decisions } = decisionsFromResumeEntries({
      validator,
      calls: [inputCall("i1"), inputCall("i2")],
      entries: [
        {
          interruptId: "interrupt-i1",
          status: "resolved",
          payload: { chosen_time: "10:00", chosen_label: "Morning" },
        },
        { interruptId: "interrupt-i2", status: "cancelled" },
      ],
    });
    expect(decisions).toEqual([
      {
        kind: "result",
        toolCallId: "i1",
        content: '{"chosen_time":"10:00","chosen_label":"Morning"}',
      },
      { kind: "reject", toolCallId: "i2", cancelled: true },
    ]);
  });

  it.each([
    ["a missing required field", { chosen_label: "x" }, "body.resume[0].payload.chosen_time"],
    ["a field of the wrong type", { chosen_time: 10 }, "body.resume[0].payload.chosen_time"],
    ["no payload", undefined, "body.resume[0].payload"],
    ["a payload that is not an object", "10:00", "body.resume[0].payload"],
  ])("refuses an input payload with %s, naming %s", (_case, payload, field) => {
    const error = expectAgentError(
      () =>
        decisionsFromResumeEntries({
          validator,
          calls: [inputCall("i1")],
          entries: [{ interruptId: "interrupt-i1", status: "resolved", payload }],
        }),
      "VALIDATION_ERROR",
    );
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain(field);
    expect(error.details).toMatchObject({
      interrupt_id: "interrupt-i1",
      tool_call_id: "i1",
      issues: [expect.objectContaining({ field })],
    });
  });

  it.each([
    ["no payload", undefined],
    ["a non-object payload", "yes"],
    ["approved missing", { edited_args: {} }],
    ["approved not a boolean", { approved: "true" }],
    ["edited_args not an object", { approved: true, edited_args: [1] }],
    ["editedArgs null", { approved: true, editedArgs: null }],
    ["edited_args null", { approved: true, edited_args: null }],
    ["reason not a string", { approved: false, reason: 42 }],
  ])(
    "refuses a resolved payload with %s as VALIDATION_ERROR naming the interrupt",
    (_case, payload) => {
      const error = expectAgentError(
        () =>
          decisionsFromResumeEntries({
            validator,
            calls,
            entries: [{ interruptId: "interrupt-a2", status: "resolved", payload }],
          }),
        "VALIDATION_ERROR",
      );
      expect(error).toBeInstanceOf(RequestError);
      expect(error.httpStatus).toBe(400);
      expect(error.message).toContain("interrupt-a2");
      expect(error.details).toMatchObject({ interrupt_id: "interrupt-a2", tool_call_id: "a2" });
    },
  );
});
