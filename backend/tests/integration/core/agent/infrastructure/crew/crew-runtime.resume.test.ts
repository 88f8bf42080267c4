import { describe, expect, it } from "vitest";
import {
  admitAndExecute,
  type ClientTool,
  firstTurn,
  messageRows,
  runEvents,
  runRow,
  sessionRow,
  wireMessages,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew();

/** The browser's twin of srv.get_current_time; both conversations declare it. */
const DEVICE_CLOCK: ClientTool = {
  name: "ui.read_device_clock",
  description: "Reads the current time on the user's device",
  parameters: { type: "object", properties: { timezone: { type: "string" } } },
};

type StoredRow = Awaited<ReturnType<typeof messageRows>>[number];

/** What a stored message says, without its ids and bookkeeping; tool names normalised. */
function conversationOf(rows: StoredRow[], toolName: string) {
  return rows.map((row) => ({
    seq: row.seq,
    role: row.role,
    content: row.content,
    toolCallId: row.toolCallId,
    error: row.error,
    toolCalls: row.toolCalls?.map((call) => ({
      ...call,
      function: {
        ...call.function,
        name: call.function.name === toolName ? "<time tool>" : call.function.name,
      },
    })),
  }));
}

/** A request body as JSON with the conversation's marker and the called tool's name masked. */
function normalisedBody(
  body: Record<string, unknown> | undefined,
  { marker, functionName }: { marker: string; functionName: string },
): unknown {
  const text = JSON.stringify(body)
    .replaceAll(marker, "<marker>")
    .replaceAll(`"name":"${functionName}","arguments"`, `"name":"<time tool>","arguments"`);
  return JSON.parse(text);
}

describe("resuming a run from its checkpoint", () => {
  /*
   * Run B asks for the time and the model calls the direct backend tool srv.get_current_time:
   * B runs call → result → answer in one go. Run A asks the same, but the model calls the
   * frontend tool ui.read_device_clock: A pauses, and the client's next POST carries, as the
   * tool's result, exactly the content B's backend tool produced. If the checkpoint (stage
   * index, iteration, stage outputs, history) is restored faithfully, A's resumed step must
   * send the model the very prompt B's uninterrupted second step sent — same system prompt
   * (with the intent stage's output, which A's resume does not recompute), same messages
   * with the same tool-call id and result, same tools — and both sessions must end up with
   * the same stored conversation. The only differences allowed are the conversation marker
   * (it routes the scripted server) and the name of the tool that was called; message ids
   * are not part of the prompt and are compared by position only.
   */
  it("continues the paused stage and produces the prompt and the messages an uninterrupted run produces", async () => {
    const callId = uniqueId("call-clock");
    const markerB = uniqueId("uninterrupted");
    const markerA = uniqueId("resumed");
    const question = (marker: string) => `What time is it? ${marker}`;
    crew.conversations.script(markerB, {
      intent: [{ text: "action" }],
      respond: [
        {
          toolCalls: [{ id: callId, name: "srv_get_current_time", arguments: { timezone: "UTC" } }],
        },
        { text: ["It is noon ", "UTC."] },
      ],
    });
    crew.conversations.script(markerA, {
      intent: [{ text: "action" }],
      respond: [
        {
          toolCalls: [{ id: callId, name: "ui_read_device_clock", arguments: { timezone: "UTC" } }],
        },
        { text: ["It is noon ", "UTC."] },
      ],
    });

    const turnB = firstTurn({ text: question(markerB), tools: [DEVICE_CLOCK] });
    await admitAndExecute(crew.runtime, "erin", turnB);
    const storedB = await messageRows(crew.database, turnB.threadId);
    expect(storedB.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    const backendResult = storedB[2]?.content as string;

    const turnA = firstTurn({ text: question(markerA), tools: [DEVICE_CLOCK] });
    await admitAndExecute(crew.runtime, "erin", turnA);
    expect((await runRow(crew.database, turnA.runId)).status).toBe("interrupted");
    const [, pausedCall] = await messageRows(crew.database, turnA.threadId);
    const requestsBeforeResume = crew.conversations.requestsFor(markerA).length;

    // The client's next POST: its whole history, ending with the tool's result.
    const resumeRunId = uniqueId("run");
    await admitAndExecute(crew.runtime, "erin", {
      ...turnA,
      runId: resumeRunId,
      messages: [
        ...turnA.messages,
        { id: pausedCall?.id, role: "assistant", toolCalls: pausedCall?.toolCalls },
        { id: uniqueId("tool-message"), role: "tool", toolCallId: callId, content: backendResult },
      ],
    });

    // The resume ran the paused stage only: one more request, for the respond stage.
    const requestsA = crew.conversations.requestsFor(markerA);
    expect(requestsBeforeResume).toBe(2);
    expect(requestsA.map((request) => request.stage)).toEqual(["intent", "respond", "respond"]);
    const requestsB = crew.conversations.requestsFor(markerB);
    expect(requestsB.map((request) => request.stage)).toEqual(["intent", "respond", "respond"]);
    expect(
      normalisedBody(requestsA[2]?.body, { marker: markerA, functionName: "ui_read_device_clock" }),
    ).toEqual(
      normalisedBody(requestsB[2]?.body, { marker: markerB, functionName: "srv_get_current_time" }),
    );
    // The masking hid nothing but the marker and the called tool's name.
    expect(JSON.stringify(requestsA[2]?.body)).toContain(backendResult.replaceAll('"', '\\"'));
    expect(JSON.stringify(requestsA[2]?.body)).toContain(callId);

    const storedA = await messageRows(crew.database, turnA.threadId);
    expect(
      conversationOf(storedA, "ui.read_device_clock").map((row, index) =>
        index === 0 ? { ...row, content: row.content?.replace(markerA, "<marker>") } : row,
      ),
    ).toEqual(
      conversationOf(storedB, "srv.get_current_time").map((row, index) =>
        index === 0 ? { ...row, content: row.content?.replace(markerB, "<marker>") } : row,
      ),
    );
    expect(storedA.at(-1)).toMatchObject({ runId: resumeRunId, content: "It is noon UTC." });

    const resumeRun = await runRow(crew.database, resumeRunId);
    expect(resumeRun).toMatchObject({
      kind: "resume",
      parentRunId: turnA.runId,
      status: "succeeded",
    });
    const events = await runEvents(crew.runtime, resumeRunId);
    expect(events[0]).toMatchObject({ type: "RUN_STARTED", parentRunId: turnA.runId });
    expect(
      events.filter((event) => event.type === "STEP_STARTED").map((event) => event.stepName),
    ).toEqual(["respond"]);
    expect(
      events.filter((event) => event.type === "TEXT_MESSAGE_CONTENT").map((event) => event.delta),
    ).toEqual(["It is noon ", "UTC."]);
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "success" } });
    const session = await sessionRow(crew.database, turnA.threadId);
    expect(session).toMatchObject({ status: "idle", activeRunId: null });
    expect(session.stateSnapshot).toMatchObject({
      run: { run_id: resumeRunId, parent_run_id: turnA.runId, stage: "respond" },
      stages: { intent: { output: "action" }, respond: { output: "It is noon UTC." } },
      pending_tool_calls: [
        {
          tool_call_id: callId,
          mode: "FRONTEND_EXECUTE",
          status: "EXECUTED",
          result: { content: backendResult },
        },
      ],
    });
  });

  it("executes an approved call exactly once on resume and continues the same stage with its result", async () => {
    const marker = uniqueId("approved");
    const callId = uniqueId("call-transfer");
    const args = { amount: 40, currency: "EUR", to_account: "DE89370400440532013000" };
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      respond: [
        { toolCalls: [{ id: callId, name: "srv_transfer_funds", arguments: args }] },
        { text: "Done: the transfer went through." },
      ],
    });
    const turn = firstTurn({ text: `Send 40 EUR to DE89370400440532013000 ${marker}` });
    await admitAndExecute(crew.runtime, "erin", turn);
    const session = await sessionRow(crew.database, turn.threadId);
    const [pending] = (session.stateSnapshot as { pending_tool_calls: { interrupt_id: string }[] })
      .pending_tool_calls;

    const resumeRunId = uniqueId("run");
    await admitAndExecute(crew.runtime, "erin", {
      ...turn,
      runId: resumeRunId,
      messages: turn.messages,
      resume: [
        { interruptId: pending?.interrupt_id, status: "resolved", payload: { approved: true } },
      ],
    });

    const requests = crew.conversations.requestsFor(marker);
    expect(requests.map((request) => request.stage)).toEqual(["intent", "respond", "respond"]);
    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.map((row) => [row.role, row.runId])).toEqual([
      ["user", turn.runId],
      ["assistant", turn.runId],
      ["tool", resumeRunId],
      ["assistant", resumeRunId],
    ]);
    const receipt = JSON.parse(stored[2]?.content ?? "null") as Record<string, unknown>;
    expect(receipt).toMatchObject({ status: "completed", amount: 40, currency: "EUR" });
    expect(String(receipt.receipt_id)).toMatch(/^TX-[0-9A-F]{12}$/);
    // The model's next step sees the receipt as the call's result.
    const followUp = wireMessages(requests[2]?.body).at(-1);
    expect(followUp).toEqual({ role: "tool", tool_call_id: callId, content: stored[2]?.content });
    const ledger = await crew.database.pool.query<{ idempotency_key: string }>(
      "select idempotency_key from tool_executions where idempotency_key like $1",
      [`%:${callId}`],
    );
    expect(ledger.rows.map((row) => row.idempotency_key)).toEqual([`${resumeRunId}:${callId}`]);
    expect(await runRow(crew.database, resumeRunId)).toMatchObject({ status: "succeeded" });
    const events = await runEvents(crew.runtime, resumeRunId);
    expect(events.find((event) => event.type === "TOOL_CALL_RESULT")).toMatchObject({
      toolCallId: callId,
      content: stored[2]?.content,
    });
  });
});
