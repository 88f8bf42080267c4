import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admitAndExecute,
  firstTurn,
  llmCallRows,
  messageRows,
  runEvents,
  runRow,
  sessionRow,
} from "../../../support/crew-runs.js";
import { uniqueId } from "../../../support/database.js";
import { expectErrorShape } from "../../../support/error-shape.js";
import { authHeaders } from "../../../support/jwt.js";
import { useScriptedCrew } from "../../../support/scripted-crew.js";

/*
 * #9 item 3: text Postgres cannot store. Client input is refused with 400 naming the field;
 * model and tool output is made storable (NUL and unpaired surrogates → U+FFFD) and the run
 * goes on; a write Postgres still refuses ends the run with CHECKPOINT_REFUSED, through a
 * terminal write that cannot fail for the same reason, and the thread is free.
 */

const crew = useScriptedCrew();
const SINGLE = { agent: "single" };
const FFFD = "\uFFFD";
/** Postgres refuses a message holding this text: a write that fails whatever the retries. */
const REFUSED_MARKER = "REFUSE-THIS-CHECKPOINT";

beforeAll(async () => {
  await crew.database.pool.query(`
    create or replace function test_refuse_marked_message() returns trigger language plpgsql as $$
    begin
      if new.content like '%${REFUSED_MARKER}%' then
        raise exception 'test: refused' using errcode = '22P05';
      end if;
      return new;
    end $$;
    drop trigger if exists test_refuse_marked_message on messages;
    create trigger test_refuse_marked_message before insert on messages
      for each row execute function test_refuse_marked_message();`);
});
afterAll(async () => {
  await crew.database.pool.query("drop trigger if exists test_refuse_marked_message on messages");
});

/** The thread takes a new turn (scripted under the conversation's `marker`) that succeeds. */
async function nextTurnIsAccepted(userId: string, threadId: string, marker: string) {
  crew.conversations.script(marker, { respond: [{ text: "Fine again." }] });
  const turn = {
    ...firstTurn({ text: `Still there? ${marker}`, threadId }),
    forwardedProps: SINGLE,
  };
  await admitAndExecute(crew.runtime, userId, turn);
  const run = await runRow(crew.database, turn.runId);
  expect(run.status, run.errorMessage ?? "").toBe("succeeded");
}

describe("model output Postgres cannot store is made storable and the run goes on", () => {
  it("NUL and unpaired surrogates in the model's text: stored and streamed as U+FFFD", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("nul-text");
    crew.conversations.script(marker, {
      respond: [{ text: ["Hello\u0000 wor", "ld \uD800 and \uDC00.", " Fine 😀."] }],
    });
    const turn = { ...firstTurn({ text: `Say it ${marker}` }), forwardedProps: SINGLE };
    await admitAndExecute(crew.runtime, userId, turn);

    expect((await runRow(crew.database, turn.runId)).status).toBe("succeeded");
    const stored = await messageRows(crew.database, turn.threadId);
    const answer = stored.find((row) => row.role === "assistant");
    expect(answer?.content).toBe(`Hello${FFFD} world ${FFFD} and ${FFFD}. Fine 😀.`);
    const events = await runEvents(crew.runtime, turn.runId);
    const streamed = events
      .filter((event) => event.type === "TEXT_MESSAGE_CONTENT")
      .map((event) => event.delta)
      .join("");
    expect(streamed).toBe(answer?.content);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    expect((await sessionRow(crew.database, turn.threadId)).activeRunId).toBeNull();
    await nextTurnIsAccepted(userId, turn.threadId, marker);
  });

  it("NUL in a backend tool call's arguments: the approval waits with U+FFFD, the thread answers", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("nul-args");
    const callId = uniqueId("call");
    crew.conversations.script(marker, {
      respond: [
        {
          toolCalls: [
            {
              id: callId,
              name: "srv_transfer_funds",
              arguments: { amount: 5, currency: "EUR", to_account: "FR76\u0000\uD800-x" },
            },
          ],
        },
      ],
    });
    const turn = { ...firstTurn({ text: `Pay ${marker}` }), forwardedProps: SINGLE };
    await admitAndExecute(crew.runtime, userId, turn);

    const run = await runRow(crew.database, turn.runId);
    expect(run.status).toBe("interrupted");
    const session = await sessionRow(crew.database, turn.threadId);
    expect(session.activeRunId).toBeNull();
    const pending = (
      session.stateSnapshot as { pending_tool_calls: { tool_call_id: string; args: unknown }[] }
    ).pending_tool_calls.find((call) => call.tool_call_id === callId);
    expect(pending?.args).toMatchObject({ to_account: `FR76${FFFD}${FFFD}-x` });
    const events = await runEvents(crew.runtime, turn.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED" });
    // The arguments stay the model's JSON text (its `\u0000` escape is storable text).
    const [assistant] = (await messageRows(crew.database, turn.threadId)).filter(
      (row) => row.role === "assistant",
    );
    const streamed = events
      .filter((event) => event.type === "TOOL_CALL_ARGS")
      .map((event) => event.delta)
      .join("");
    expect(assistant?.toolCalls).toMatchObject([{ id: callId, function: { arguments: streamed } }]);
  });

  it("NUL in a frontend tool call's arguments and the model's text: stored, run paused for the client", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("nul-client-args");
    const callId = uniqueId("call");
    crew.conversations.script(marker, {
      respond: [
        {
          text: "Opening\u0000",
          toolCalls: [{ id: callId, name: "ui_navigate_to", arguments: '{"path":"/a\\u0000b"}' }],
        },
      ],
    });
    const turn = {
      ...firstTurn({
        text: `Go ${marker}`,
        tools: [
          {
            name: "ui.navigate_to",
            description: "Opens a page",
            parameters: { type: "object", properties: { path: { type: "string" } } },
          },
        ],
      }),
      forwardedProps: SINGLE,
    };
    await admitAndExecute(crew.runtime, userId, turn);

    const run = await runRow(crew.database, turn.runId);
    expect(run.status, run.errorMessage ?? "").not.toBe("failed");
    expect(["succeeded", "interrupted"]).toContain(run.status);
    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.find((row) => row.role === "assistant")?.content).toBe(`Opening${FFFD}`);
    expect((await sessionRow(crew.database, turn.threadId)).activeRunId).toBeNull();
  });
});

describe("a write Postgres refuses ends the run; the thread is free", () => {
  it("ends with RUN_ERROR CHECKPOINT_REFUSED, keeps the metering, audits it, and takes a new turn", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("refused");
    crew.conversations.script(marker, {
      respond: [{ text: `This answer cannot be stored: ${REFUSED_MARKER}` }],
    });
    const turn = { ...firstTurn({ text: `Answer ${marker}` }), forwardedProps: SINGLE };
    // The queue's attempts are spent in one go: the refusal is not worth another attempt.
    await admitAndExecute(crew.runtime, userId, turn);
    await crew.runtime.executeJob(turn.runId, { finalAttempt: false }).catch(() => {});

    const run = await runRow(crew.database, turn.runId);
    expect(run).toMatchObject({ status: "failed", errorCode: "CHECKPOINT_REFUSED" });
    expect(run.llmCallCount).toBe(1);
    expect(await llmCallRows(crew.database, turn.runId)).toHaveLength(1);
    const session = await sessionRow(crew.database, turn.threadId);
    expect(session).toMatchObject({ activeRunId: null, status: "failed" });
    const events = await runEvents(crew.runtime, turn.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "CHECKPOINT_REFUSED" });
    const { rows: audit } = await crew.database.pool.query(
      "select action, error_code from audit_log where run_id = $1",
      [turn.runId],
    );
    expect(audit).toContainEqual({
      action: "run.checkpoint_refused",
      error_code: "CHECKPOINT_REFUSED",
    });
    await nextTurnIsAccepted(userId, turn.threadId, marker);
  });
});

describe("a write Postgres refuses in the middle of a run", () => {
  it("a refused step (before a backend tool's result) ends the run the same way", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("refused-mid");
    crew.conversations.script(marker, {
      respond: [
        {
          text: `Checking the time ${REFUSED_MARKER}`,
          toolCalls: [{ id: uniqueId("call"), name: "srv_get_current_time", arguments: {} }],
        },
        { text: "It is late." },
      ],
    });
    const turn = { ...firstTurn({ text: `Time? ${marker}` }), forwardedProps: SINGLE };
    await admitAndExecute(crew.runtime, userId, turn);

    expect(await runRow(crew.database, turn.runId)).toMatchObject({
      status: "failed",
      errorCode: "CHECKPOINT_REFUSED",
    });
    expect((await sessionRow(crew.database, turn.threadId)).activeRunId).toBeNull();
    const events = await runEvents(crew.runtime, turn.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "CHECKPOINT_REFUSED" });
    await nextTurnIsAccepted(userId, turn.threadId, marker);
  });
});

describe("client input Postgres cannot store is refused at the API", () => {
  it.each([
    [
      "a tool result",
      { tool_results: [{ tool_call_id: "c", content: "a\u0000" }] },
      "body.tool_results.0.content",
    ],
    [
      "an approval's edited_args",
      { approvals: [{ tool_call_id: "c", approved: true, edited_args: { to: "\uDBFF" } }] },
      "body.approvals.0.edited_args.to",
    ],
    [
      "a resume payload",
      { resume: [{ interruptId: "i", status: "resolved", payload: { "k\u0000": 1 } }] },
      "body.resume.0.payload.k\uFFFD",
    ],
    ["a new run id", { run_id: "r\u0000" }, "body.run_id"],
  ])("%s in a resume body → 400 naming the field", async (_name, body, field) => {
    const response = await crew.runtime.app.inject({
      method: "POST",
      url: `/api/v1/agent/runs/${uniqueId("run")}/resume`,
      headers: await authHeaders(uniqueId("user")),
      payload: body,
    });
    expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR", field });
  });

  it("an assistant tool call's name and arguments in imported history → 400 naming them", async () => {
    const headers = await authHeaders(uniqueId("user"));
    for (const [call, field] of [
      [{ name: "x\u0000", arguments: "{}" }, "body.messages.0.toolCalls.0.function.name"],
      [
        { name: "x", arguments: '{"a":"\uD800"}' },
        "body.messages.0.toolCalls.0.function.arguments",
      ],
    ] as const) {
      const turn = firstTurn({ text: "hi" });
      const response = await crew.runtime.app.inject({
        method: "POST",
        url: "/api/v1/agent/runs",
        headers,
        payload: {
          ...turn,
          messages: [
            {
              id: uniqueId("a"),
              role: "assistant",
              toolCalls: [{ id: "c1", type: "function", function: call }],
            },
            ...turn.messages,
          ],
        },
      });
      expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR", field });
    }
  });
});
