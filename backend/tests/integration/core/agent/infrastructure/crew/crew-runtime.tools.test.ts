import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { toolExecutions } from "../../../../../../src/models/index.js";
import {
  admitAndExecute,
  firstTurn,
  messageRows,
  NAVIGATE_TOOL,
  offeredFunctionNames,
  runEvents,
  runRow,
  type StoredAgUiEvent,
  sessionRow,
  wireMessages,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew();

/** The TOOL_CALL_* events of one call, and its arguments as the client reassembles them. */
function toolCallEvents(events: StoredAgUiEvent[], toolCallId: string) {
  const own = events.filter((event) => event.toolCallId === toolCallId);
  return {
    types: own.map((event) => event.type),
    start: own.find((event) => event.type === "TOOL_CALL_START"),
    args: own
      .filter((event) => event.type === "TOOL_CALL_ARGS")
      .map((event) => String(event.delta))
      .join(""),
    result: own.find((event) => event.type === "TOOL_CALL_RESULT"),
  };
}

describe("tool calls of the respond stage", () => {
  it("executes a direct backend tool and feeds its result back to the model on the next step", async () => {
    const marker = uniqueId("time");
    const callId = uniqueId("call-time");
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      respond: [
        {
          toolCalls: [
            { id: callId, name: "srv_get_current_time", arguments: { timezone: "Europe/Paris" } },
          ],
        },
        { text: "It is noon in Paris." },
      ],
    });
    const turn = firstTurn({ text: `What time is it in Paris? ${marker}` });

    await admitAndExecute(crew.runtime, "bob", turn);

    const requests = crew.conversations.requestsFor(marker);
    expect(requests.map((request) => request.stage)).toEqual(["intent", "respond", "respond"]);
    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    const toolMessage = stored[2];
    const result = JSON.parse(toolMessage?.content ?? "null") as Record<string, unknown>;
    expect(result).toMatchObject({ timezone: "Europe/Paris" });
    expect(Number.isNaN(Date.parse(String(result.iso)))).toBe(false);
    expect(toolMessage).toMatchObject({ toolCallId: callId, error: null, stage: "respond" });
    expect(stored[1]?.toolCalls).toEqual([
      {
        id: callId,
        type: "function",
        function: { name: "srv.get_current_time", arguments: '{"timezone":"Europe/Paris"}' },
      },
    ]);
    expect(stored[3]?.content).toBe("It is noon in Paris.");

    // The second step sends the call and the handler's result, under the provider name.
    const followUp = wireMessages(requests[2]?.body);
    expect(followUp.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
    expect(followUp[1]?.tool_calls).toEqual([
      expect.objectContaining({
        id: callId,
        function: { name: "srv_get_current_time", arguments: '{"timezone":"Europe/Paris"}' },
      }),
    ]);
    expect(followUp[2]).toMatchObject({ tool_call_id: callId, content: toolMessage?.content });

    const events = await runEvents(crew.runtime, turn.runId);
    const call = toolCallEvents(events, callId);
    expect(call.types).toEqual([
      "TOOL_CALL_START",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_END",
      "TOOL_CALL_RESULT",
    ]);
    expect(call.start).toMatchObject({
      toolCallName: "srv.get_current_time",
      parentMessageId: stored[1]?.id,
    });
    expect(JSON.parse(call.args)).toEqual({ timezone: "Europe/Paris" });
    expect(call.result).toMatchObject({
      content: toolMessage?.content,
      messageId: toolMessage?.id,
    });
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "success" } });
    const session = await sessionRow(crew.database, turn.threadId);
    expect(session.stateSnapshot).toMatchObject({
      pending_tool_calls: [
        {
          tool_call_id: callId,
          mode: "BACKEND_DIRECT_EXECUTE",
          status: "EXECUTED",
          result: { content: toolMessage?.content },
        },
      ],
    });
    expect((await runRow(crew.database, turn.runId)).status).toBe("succeeded");
  });

  it("returns a call of a client-declared tool as pending with its arguments and ends the run interrupted", async () => {
    const marker = uniqueId("navigate");
    const callId = uniqueId("call-nav");
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      respond: [
        {
          text: "Opening your settings.",
          toolCalls: [{ id: callId, name: "ui_navigate_to", arguments: { path: "/settings" } }],
        },
      ],
    });
    const turn = firstTurn({ text: `Open my settings ${marker}`, tools: [NAVIGATE_TOOL] });

    await admitAndExecute(crew.runtime, "bob", turn);

    const requests = crew.conversations.requestsFor(marker);
    expect(requests.map((request) => request.stage)).toEqual(["intent", "respond"]);
    expect(offeredFunctionNames(requests[1]?.body)).toContain("ui_navigate_to");
    const session = await sessionRow(crew.database, turn.threadId);
    expect(session).toMatchObject({ status: "interrupted", activeRunId: null });
    const [pending, ...others] = (session.stateSnapshot as { pending_tool_calls: unknown[] })
      .pending_tool_calls as Record<string, unknown>[];
    expect(others).toEqual([]);
    expect(pending).toMatchObject({
      tool_call_id: callId,
      tool_name: "ui.navigate_to",
      args: { path: "/settings" },
      mode: "FRONTEND_EXECUTE",
      status: "PENDING_APPROVAL",
      stage: "respond",
    });
    expect(pending?.interrupt_id).toBeUndefined();
    expect((await runRow(crew.database, turn.runId)).status).toBe("interrupted");

    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.map((row) => row.role)).toEqual(["user", "assistant"]);
    expect(stored[1]).toMatchObject({
      content: "Opening your settings.",
      toolCalls: [
        {
          id: callId,
          type: "function",
          function: { name: "ui.navigate_to", arguments: '{"path":"/settings"}' },
        },
      ],
    });
    const events = await runEvents(crew.runtime, turn.runId);
    const call = toolCallEvents(events, callId);
    expect(call.start).toMatchObject({ toolCallName: "ui.navigate_to" });
    expect(JSON.parse(call.args)).toEqual({ path: "/settings" });
    expect(call.result).toBeUndefined();
    expect(events.at(-1)).toEqual({
      type: "RUN_FINISHED",
      threadId: turn.threadId,
      runId: turn.runId,
      outcome: { type: "success", pendingToolCallIds: [callId] },
      usage: expect.any(Array),
    });
  });

  it("returns a call of an approval-gated tool as pending with its arguments and an interrupt, without executing it", async () => {
    const marker = uniqueId("transfer");
    const callId = uniqueId("call-transfer");
    const args = { amount: 25, currency: "EUR", to_account: "FR7630006000011234567890189" };
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      respond: [{ toolCalls: [{ id: callId, name: "srv_transfer_funds", arguments: args }] }],
    });
    const turn = firstTurn({ text: `Send 25 EUR to FR7630006000011234567890189 ${marker}` });

    await admitAndExecute(crew.runtime, "bob", turn);

    expect(crew.conversations.requestsFor(marker).map((request) => request.stage)).toEqual([
      "intent",
      "respond",
    ]);
    const session = await sessionRow(crew.database, turn.threadId);
    expect(session).toMatchObject({ status: "interrupted", activeRunId: null });
    const calls = (session.stateSnapshot as { pending_tool_calls: Record<string, unknown>[] })
      .pending_tool_calls;
    expect(calls).toHaveLength(1);
    const pending = calls[0] as Record<string, string>;
    expect(pending).toMatchObject({
      tool_call_id: callId,
      tool_name: "srv.transfer_funds",
      args,
      mode: "BACKEND_APPROVAL_INTERRUPT",
      status: "PENDING_APPROVAL",
      stage: "respond",
      interrupt_id: `interrupt-${callId}`,
    });
    // tools.yaml gives srv.transfer_funds an approval TTL of one hour.
    expect(
      Date.parse(pending.expires_at as string) - Date.parse(pending.requested_at as string),
    ).toBe(3_600_000);
    expect((await runRow(crew.database, turn.runId)).status).toBe("interrupted");
    expect(
      await crew.database.db
        .select()
        .from(toolExecutions)
        .where(eq(toolExecutions.idempotencyKey, `${turn.runId}:${callId}`)),
    ).toEqual([]);
    expect((await messageRows(crew.database, turn.threadId)).map((row) => row.role)).toEqual([
      "user",
      "assistant",
    ]);

    const events = await runEvents(crew.runtime, turn.runId);
    expect(toolCallEvents(events, callId).result).toBeUndefined();
    expect(events.slice(-3).map((event) => event.type)).toEqual([
      "STATE_SNAPSHOT",
      "MESSAGES_SNAPSHOT",
      "RUN_FINISHED",
    ]);
    expect(events.at(-1)?.outcome).toEqual({
      type: "interrupt",
      interrupts: [
        expect.objectContaining({
          id: `interrupt-${callId}`,
          reason: "tool_call",
          toolCallId: callId,
          expiresAt: pending.expires_at,
        }),
      ],
    });
  });

  it("executes the direct call of a step that also calls a frontend tool, then pauses for the frontend one", async () => {
    const marker = uniqueId("mixed");
    const timeCall = uniqueId("call-time");
    const navCall = uniqueId("call-nav");
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      respond: [
        {
          toolCalls: [
            { id: timeCall, name: "srv_get_current_time", arguments: {} },
            { id: navCall, name: "ui_navigate_to", arguments: { path: "/clock" } },
          ],
        },
      ],
    });
    const turn = firstTurn({ text: `Time, then open the clock ${marker}`, tools: [NAVIGATE_TOOL] });

    await admitAndExecute(crew.runtime, "bob", turn);

    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.map((row) => [row.role, row.toolCallId])).toEqual([
      ["user", null],
      ["assistant", null],
      ["tool", timeCall],
    ]);
    const session = await sessionRow(crew.database, turn.threadId);
    const calls = (session.stateSnapshot as { pending_tool_calls: Record<string, unknown>[] })
      .pending_tool_calls;
    expect(calls.map((call) => [call.tool_call_id, call.mode, call.status])).toEqual([
      [timeCall, "BACKEND_DIRECT_EXECUTE", "EXECUTED"],
      [navCall, "FRONTEND_EXECUTE", "PENDING_APPROVAL"],
    ]);
    expect((await runRow(crew.database, turn.runId)).status).toBe("interrupted");
    const events = await runEvents(crew.runtime, turn.runId);
    expect(toolCallEvents(events, timeCall).result).toMatchObject({ content: stored[2]?.content });
    expect(events.at(-1)).toMatchObject({
      type: "RUN_FINISHED",
      outcome: { type: "success", pendingToolCallIds: [navCall] },
    });
    // It paused: the model was not asked again.
    expect(crew.conversations.requestsFor(marker)).toHaveLength(2);
  });
});

describe("tool calls the runtime refuses", () => {
  it("answers a call of a tool the model was not offered, or with arguments that are not JSON, with an error result the model sees next", async () => {
    const marker = uniqueId("refused");
    const unknownCall = uniqueId("call-unknown");
    const brokenCall = uniqueId("call-broken");
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      respond: [
        {
          toolCalls: [
            { id: unknownCall, name: "srv_delete_everything", arguments: {} },
            { id: brokenCall, name: "srv_get_current_time", arguments: '{"timezone": "UTC"' },
          ],
        },
        { text: "Sorry, I cannot do that." },
      ],
    });
    const turn = firstTurn({ text: `Delete everything ${marker}` });

    await admitAndExecute(crew.runtime, "bob", turn);

    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.map((row) => [row.role, row.toolCallId])).toEqual([
      ["user", null],
      ["assistant", null],
      ["tool", unknownCall],
      ["tool", brokenCall],
      ["assistant", null],
    ]);
    for (const refusal of stored.slice(2, 4)) expect(refusal.error).toBeTruthy();
    expect(JSON.parse(stored[2]?.content ?? "{}")).toEqual({
      error: expect.stringMatching(/^The call was refused: /),
    });
    expect(JSON.parse(stored[3]?.content ?? "{}")).toEqual({
      error: expect.stringMatching(
        /^The arguments of srv\.get_current_time were refused and the tool did not run: the arguments are not valid JSON/,
      ),
    });
    expect(stored[4]?.content).toBe("Sorry, I cannot do that.");
    // Nothing was executed or left pending.
    const session = await sessionRow(crew.database, turn.threadId);
    expect(session.stateSnapshot).toMatchObject({ pending_tool_calls: [] });
    expect((await runRow(crew.database, turn.runId)).status).toBe("succeeded");

    const requests = crew.conversations.requestsFor(marker);
    expect(requests.map((request) => request.stage)).toEqual(["intent", "respond", "respond"]);
    const followUp = wireMessages(requests[2]?.body);
    expect(followUp.map((message) => [message.role, message.tool_call_id])).toEqual([
      ["user", undefined],
      ["assistant", undefined],
      ["tool", unknownCall],
      ["tool", brokenCall],
    ]);
    const events = await runEvents(crew.runtime, turn.runId);
    for (const id of [unknownCall, brokenCall]) {
      expect(toolCallEvents(events, id).result).toMatchObject({ toolCallId: id });
    }
  });
});

describe("the agent loop bound", () => {
  /** Nine tool steps, then a tenth answer that still (wrongly) calls a tool. */
  async function runPastMaxIter() {
    const marker = uniqueId("max-iter");
    // The shipped responder has max_iter 10: nine tool steps, then it must answer.
    const toolSteps = Array.from({ length: 9 }, (_, index) => ({
      toolCalls: [{ id: `${marker}-call-${index}`, name: "srv_get_current_time", arguments: {} }],
    }));
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      respond: [
        ...toolSteps,
        {
          text: "Final answer.",
          toolCalls: [{ id: `${marker}-call-9`, name: "srv_get_current_time", arguments: {} }],
        },
      ],
    });
    const turn = firstTurn({ text: `Keep checking the time ${marker}` });
    await admitAndExecute(crew.runtime, "bob", turn);
    return { marker, turn, droppedCall: `${marker}-call-9`, lastRunCall: `${marker}-call-8` };
  }

  it("makes the respond agent answer on its max_iter-th step, ignoring tool calls it still makes", async () => {
    const { marker, turn, droppedCall } = await runPastMaxIter();

    const respondRequests = crew.conversations
      .requestsFor(marker)
      .filter((request) => request.stage === "respond");
    expect(respondRequests).toHaveLength(10);
    expect(respondRequests.slice(0, 9).map((request) => request.body.tool_choice)).toEqual(
      Array(9).fill("auto"),
    );
    expect(respondRequests[9]?.body.tool_choice).toBe("none");
    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.filter((row) => row.role === "tool")).toHaveLength(9);
    expect(stored.at(-1)).toMatchObject({
      role: "assistant",
      content: "Final answer.",
      toolCalls: null,
    });
    expect((await runRow(crew.database, turn.runId)).status).toBe("succeeded");
    const session = await sessionRow(crew.database, turn.threadId);
    const calls = (session.stateSnapshot as { pending_tool_calls: { tool_call_id: string }[] })
      .pending_tool_calls;
    expect(calls.map((call) => call.tool_call_id)).not.toContain(droppedCall);
  });

  it("does not stream a tool call it drops on the max_iter-th step, which nothing would ever answer", async () => {
    const { turn, droppedCall, lastRunCall } = await runPastMaxIter();

    const events = await runEvents(crew.runtime, turn.runId);
    expect(toolCallEvents(events, lastRunCall).types).toContain("TOOL_CALL_RESULT");
    // A client that saw TOOL_CALL_START…END would run a ui.* call, or wait for a result.
    expect(toolCallEvents(events, droppedCall).types).toEqual([]);
  });
});
