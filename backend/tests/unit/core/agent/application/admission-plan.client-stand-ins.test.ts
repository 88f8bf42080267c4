import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planAdmission } from "../../../../../src/core/agent/application/admission-plan.js";
import type { ChatMessage } from "../../../../../src/core/agent/application/ports/chat-message.js";
import type { SessionView } from "../../../../../src/core/agent/application/ports/run-store.js";
import { clientStandInReason } from "../../../../../src/core/agent/domain/client-stand-in-result.js";
import { type PendingToolCall, StateSnapshot } from "../../../../../src/core/agent/domain/index.js";
import { AjvJsonSchemaValidator } from "../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";
import { approvalCall, at, expectAgentError, frontendCall } from "../domain/fixtures.js";

const validator = new AjvJsonSchemaValidator();

/** CopilotKit's `finalizeRunEvents` stand-ins, byte for byte as its runtime writes them. */
const MISSING_TERMINAL = JSON.stringify({
  status: "error",
  reason: "missing_terminal_event",
  message: "Run ended without emitting a terminal event",
});
const STOP_REQUESTED = JSON.stringify({
  status: "stopped",
  reason: "stop_requested",
  message: "Run stopped by user",
});

function session(calls: PendingToolCall[], messageCount = 2): SessionView {
  return {
    id: "thread-1",
    threadId: "thread-1",
    userId: "user-1",
    workflow: "default",
    status: calls.length > 0 ? "interrupted" : "idle",
    activeRunId: null,
    activeClientRunId: null,
    version: 3,
    snapshot: StateSnapshot.new({ pendingToolCalls: calls }),
    messageCount,
    lastSeq: messageCount,
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      costUsd: "0",
      llmCallCount: 0,
    },
    createdAt: at(0),
    updatedAt: at(0),
  };
}

const tool = (id: string, toolCallId: string, content: string): ChatMessage => ({
  id,
  role: "tool",
  toolCallId,
  content,
});

describe("clientStandInReason", () => {
  it("recognises CopilotKit's two stand-ins and nothing that merely looks alike", () => {
    expect(clientStandInReason(MISSING_TERMINAL)).toBe("missing_terminal_event");
    expect(clientStandInReason(STOP_REQUESTED)).toBe("stop_requested");
    expect(
      clientStandInReason('{"status":"ok","reason":"missing_terminal_event"}'),
    ).toBeUndefined();
    expect(clientStandInReason('{"status":"error","reason":"constructor"}')).toBeUndefined();
    expect(clientStandInReason("missing_terminal_event")).toBeUndefined();
    expect(clientStandInReason('{"reason":')).toBeUndefined();
  });

  it("never takes a real tool result for a stand-in", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const candidate = value as { status?: unknown; reason?: unknown };
        const isStandIn =
          typeof candidate === "object" &&
          candidate !== null &&
          ((candidate.status === "error" && candidate.reason === "missing_terminal_event") ||
            (candidate.status === "stopped" && candidate.reason === "stop_requested"));
        expect(clientStandInReason(JSON.stringify(value)) !== undefined).toBe(isStandIn);
      }),
    );
  });
});

describe("planAdmission with a client's stand-in tool result", () => {
  it("cancels the waiting frontend call and stores the refusal under the client's message id, never the stand-in", () => {
    const plan = planAdmission({
      session: session([frontendCall("call-1")]),
      messages: [
        tool("m-tool", "call-1", MISSING_TERMINAL),
        { id: "m-user", role: "user", content: "try again" },
      ],
      validator,
      now: at(1),
    });
    expect(plan.kind).toBe("resume");
    expect(plan.decisions).toEqual([
      {
        kind: "reject",
        toolCallId: "call-1",
        reason: "the client could not run the tool (missing_terminal_event)",
      },
    ]);
    expect(plan.messages).toEqual([
      {
        id: "m-tool",
        role: "tool",
        toolCallId: "call-1",
        content: JSON.stringify({
          status: "rejected",
          reason: "the client could not run the tool (missing_terminal_event)",
        }),
      },
      { id: "m-user", role: "user", content: "try again" },
    ]);
  });

  it("treats the stop stand-in the same way", () => {
    const plan = planAdmission({
      session: session([frontendCall("call-1")]),
      messages: [tool("m-tool", "call-1", STOP_REQUESTED)],
      validator,
      now: at(1),
    });
    expect(plan.decisions).toEqual([
      {
        kind: "reject",
        toolCallId: "call-1",
        reason: "the client could not run the tool (stop_requested)",
      },
    ]);
  });

  it("still requires every other waiting call to be answered", () => {
    expectAgentError(
      () =>
        planAdmission({
          session: session([frontendCall("call-1"), frontendCall("call-2")]),
          messages: [tool("m-tool", "call-1", MISSING_TERMINAL)],
          validator,
          now: at(1),
        }),
      "TOOL_RESULTS_INCOMPLETE",
    );
  });

  it("never lets a stand-in decide an approval: it is dropped and the approval stays unanswered", () => {
    expectAgentError(
      () =>
        planAdmission({
          session: session([approvalCall("call-1")]),
          messages: [tool("m-tool", "call-1", MISSING_TERMINAL)],
          validator,
          now: at(1),
        }),
      "TOOL_RESULTS_INCOMPLETE",
    );
  });

  it("drops a stand-in for a call nothing waits for instead of refusing the turn", () => {
    const plan = planAdmission({
      session: session([]),
      messages: [
        tool("m-tool", "call-old", MISSING_TERMINAL),
        { id: "m-user", role: "user", content: "hello" },
      ],
      validator,
      now: at(1),
    });
    expect(plan.kind).toBe("run");
    expect(plan.messages).toEqual([{ id: "m-user", role: "user", content: "hello" }]);
  });

  it("a real result for a call nothing waits for is still refused", () => {
    expectAgentError(
      () =>
        planAdmission({
          session: session([]),
          messages: [tool("m-tool", "call-old", '{"color":"teal"}')],
          validator,
          now: at(1),
        }),
      "TOOL_CALL_NOT_PENDING",
    );
  });

  it("stores an imported history's stand-in as the refusal it stands for", () => {
    const plan = planAdmission({
      session: session([], 0),
      messages: [
        { id: "m-user", role: "user", content: "hi" },
        {
          id: "m-assistant",
          role: "assistant",
          toolCalls: [
            { id: "call-9", type: "function", function: { name: "ui.x", arguments: "{}" } },
          ],
        },
        tool("m-tool", "call-9", MISSING_TERMINAL),
      ],
      validator,
      now: at(1),
    });
    expect(plan.kind).toBe("run");
    expect(plan.messages.at(-1)).toMatchObject({
      id: "m-tool",
      content: expect.stringContaining('"status":"rejected"'),
    });
  });
});

describe("planAdmission with a tool message and a resume entry for the same approval (CopilotKit useInterrupt)", () => {
  it("lets the resume entry decide and does not store the client's copy as the tool's result", () => {
    const call = approvalCall("call-1");
    const plan = planAdmission({
      session: session([call]),
      messages: [tool("m-tool", "call-1", '{"approved":true}')],
      resume: [
        {
          interruptId: call.interrupt_id as string,
          status: "resolved",
          payload: { approved: true },
        },
      ],
      validator,
      now: at(1),
    });
    expect(plan.decisions).toEqual([{ kind: "approve", toolCallId: "call-1" }]);
    expect(plan.messages).toEqual([]);
  });

  it("a cancelled entry with the client's {status: cancelled} copy is one rejection", () => {
    const call = approvalCall("call-1");
    const plan = planAdmission({
      session: session([call]),
      messages: [tool("m-tool", "call-1", '{"status":"cancelled"}')],
      resume: [{ interruptId: call.interrupt_id as string, status: "cancelled" }],
      validator,
      now: at(1),
    });
    expect(plan.decisions).toEqual([{ kind: "reject", toolCallId: "call-1", cancelled: true }]);
    expect(plan.messages).toEqual([]);
  });
});
