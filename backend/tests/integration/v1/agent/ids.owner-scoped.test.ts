import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { connectTestDatabase, uniqueId } from "../../../support/database.js";
import { expectErrorShape } from "../../../support/error-shape.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

/*
 * Ids belong to their owner (#10 item 4) and every id the API accepts works in every layer
 * (#9 item 7): two users may use the same thread, run and message ids and each keeps exactly
 * their own data; another user's ids answer exactly like unused ones; run and thread ids with
 * `:`, only digits or 200 characters run normally (storage ids are derived for them).
 */

let runtime: InProcessRuntime;
const database = connectTestDatabase(2);
let alice: Record<string, string>;
let bob: Record<string, string>;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
  await runtime.startWorker();
  alice = await authHeaders(uniqueId("alice"));
  bob = await authHeaders(uniqueId("bob"));
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await database.close();
});

const api = (path: string) => `/api/v1/agent${path}`;
const segment = (id: string) => encodeURIComponent(id);

function post(headers: Record<string, string>, path: string, payload: unknown, accept?: string) {
  return runtime.app.inject({
    method: "POST",
    url: api(path),
    headers: { ...headers, "content-type": "application/json", ...(accept ? { accept } : {}) },
    payload: JSON.stringify(payload),
  });
}

function get(headers: Record<string, string>, path: string) {
  return runtime.app.inject({ method: "GET", url: api(path), headers });
}

/** Posts a turn and follows it to its end (SSE); returns the AG-UI events. */
async function turn(headers: Record<string, string>, input: ReturnType<typeof runInput>) {
  const response = await post(headers, "/runs", input, "text/event-stream");
  expect(response.statusCode, response.body).toBe(202);
  return response.body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as { type: string } & Record<string, unknown>);
}

async function messagesOf(headers: Record<string, string>, threadId: string) {
  const response = await get(headers, `/sessions/${segment(threadId)}/messages`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().messages as {
    id: string;
    role: string;
    content?: string;
    metadata: { run_id?: string };
  }[];
}

describe("two users with the same thread, run and message ids", () => {
  it("each keeps exactly their own data, under their own names", async () => {
    const threadId = uniqueId("shared-thread");
    const runId = uniqueId("shared-run");
    const messageId = uniqueId("shared-message");
    const say = (text: string) =>
      runInput({ threadId, runId, messages: [{ id: messageId, role: "user", content: text }] });

    const aliceEvents = await turn(alice, say("Alice speaking"));
    const bobEvents = await turn(bob, say("Bob speaking"));

    for (const events of [aliceEvents, bobEvents]) {
      expect(events[0]).toMatchObject({ type: "RUN_STARTED", threadId, runId });
      expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", threadId, runId });
    }
    const aliceMessages = await messagesOf(alice, threadId);
    const bobMessages = await messagesOf(bob, threadId);
    expect(aliceMessages.map((message) => message.content)[0]).toBe("Alice speaking");
    expect(bobMessages.map((message) => message.content)[0]).toBe("Bob speaking");
    expect(aliceMessages).toHaveLength(2);
    expect(bobMessages).toHaveLength(2);
    for (const message of [...aliceMessages, ...bobMessages])
      expect(message.metadata.run_id).toBe(runId);

    for (const [headers, text] of [
      [alice, "Alice"],
      [bob, "Bob"],
    ] as const) {
      const run = await get(headers, `/runs/${runId}`);
      expect(run.json()).toMatchObject({
        run_id: runId,
        session_id: threadId,
        status: "succeeded",
      });
      const session = await get(headers, `/sessions/${threadId}`);
      expect(session.json()).toMatchObject({ session_id: threadId, message_count: 2 });
      expect(session.json().state_snapshot.run.run_id).toBe(runId);
      expect((await messagesOf(headers, threadId))[0]?.content).toContain(text);
    }

    // Postgres holds two sessions and two runs; each user's rows are their own.
    const { rows } = await database.pool.query(
      "select count(distinct s.id)::int as sessions, count(distinct r.id)::int as runs from sessions s join runs r on r.session_id = s.id where s.thread_id = $1",
      [threadId],
    );
    expect(rows[0]).toEqual({ sessions: 2, runs: 2 });
    const { rows: ids } = await database.pool.query<{ id: string }>(
      "select id from sessions where thread_id = $1 order by created_at",
      [threadId],
    );
    expect(ids.map((row) => row.id)).toEqual([threadId, expect.stringMatching(/^~[0-9a-f]{64}$/)]);
  });

  it("reusing another user's message id on one's own thread drops nothing", async () => {
    const aliceTurn = runInput();
    await turn(alice, aliceTurn);
    const reused = aliceTurn.messages[0]?.id as string;
    const bobTurn = runInput({ messages: [{ id: reused, role: "user", content: "mine too" }] });
    await turn(bob, bobTurn);
    expect((await messagesOf(bob, bobTurn.threadId))[0]).toMatchObject({
      id: reused,
      content: "mine too",
    });
    expect((await messagesOf(alice, aliceTurn.threadId))[0]).toMatchObject({
      id: reused,
      content: "hello",
    });
  });

  it("a thread id claimed first by another user is still the owner's to use", async () => {
    const threadId = uniqueId("squatted");
    await turn(bob, runInput({ threadId }));
    const events = await turn(alice, runInput({ threadId }));
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", threadId });
    expect(await messagesOf(alice, threadId)).toHaveLength(2);
    expect(await messagesOf(bob, threadId)).toHaveLength(2);
  });

  it("a user's own run id on another of their threads is refused; on the same thread it replays", async () => {
    const first = runInput();
    await turn(alice, first);
    const elsewhere = await post(alice, "/runs", runInput({ runId: first.runId }));
    expectErrorShape(elsewhere, { status: 400, code: "VALIDATION_ERROR", field: "runId" });
    const replay = await post(alice, "/runs", first);
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toMatchObject({ replayed: true, run_id: first.runId });
    // Another user may use it freely.
    expect((await post(bob, "/runs", runInput({ runId: first.runId }))).json()).toMatchObject({
      replayed: false,
      run_id: first.runId,
    });
  });
});

describe("another user's ids answer exactly like unused ids", () => {
  /** The answer with `id` written as `<id>` (and timestamps dropped), to compare shapes. */
  function normalized(response: { statusCode: number; body: string }, id: string) {
    const body = response.body
      .split(id)
      .join("<id>")
      .replace(/"(\d{4}-\d\d-\d\dT[^"]+)"/g, '"<time>"');
    return { status: response.statusCode, body };
  }

  it("on every route that takes a run or thread id", async () => {
    const owned = runInput();
    await turn(alice, owned);
    const unusedRun = uniqueId("run");
    const unusedThread = uniqueId("thread");
    const routes: [string, (id: string) => Promise<{ statusCode: number; body: string }>][] = [
      ["GET /runs/{id}", (id) => get(bob, `/runs/${id}`)],
      [
        "GET /runs/{id}/events",
        (id) => get({ ...bob, accept: "text/event-stream" }, `/runs/${id}/events`),
      ],
      ["POST /runs/{id}/cancel", (id) => post(bob, `/runs/${id}/cancel`, {})],
      [
        "POST /runs/{id}/resume",
        (id) =>
          post(bob, `/runs/${id}/resume`, { tool_results: [{ tool_call_id: "c", content: "x" }] }),
      ],
    ];
    for (const [name, call] of routes) {
      expect(normalized(await call(owned.runId), owned.runId), name).toEqual(
        normalized(await call(unusedRun), unusedRun),
      );
    }
    const sessionRoutes: [string, (id: string) => Promise<{ statusCode: number; body: string }>][] =
      [
        ["GET /sessions/{id}", (id) => get(bob, `/sessions/${id}`)],
        ["GET /sessions/{id}/messages", (id) => get(bob, `/sessions/${id}/messages`)],
        [
          "DELETE /sessions/{id}",
          (id) =>
            runtime.app.inject({ method: "DELETE", url: api(`/sessions/${id}`), headers: bob }),
        ],
      ];
    for (const [name, call] of sessionRoutes) {
      expect(normalized(await call(owned.threadId), owned.threadId), name).toEqual(
        normalized(await call(unusedThread), unusedThread),
      );
    }
    // Alice's thread is untouched by all of that.
    expect((await get(alice, `/sessions/${owned.threadId}`)).statusCode).toBe(200);
  });

  it("POST /runs on another user's thread and run ids is a new thread, as for unused ids", async () => {
    const owned = runInput();
    await turn(alice, owned);
    const withTheirs = runInput({ threadId: owned.threadId, runId: owned.runId });
    const withUnused = runInput();
    const theirs = await post(bob, "/runs", withTheirs);
    const unused = await post(bob, "/runs", withUnused);
    expect(theirs.statusCode).toBe(unused.statusCode);
    expect(theirs.json()).toEqual({
      ...unused.json(),
      run_id: owned.runId,
      session_id: owned.threadId,
      events_url: `/api/v1/agent/runs/${owned.runId}/events`,
    });
  });
});

describe("ids every layer accepts", () => {
  it.each([
    ["a runId with colons", { runId: `run:${uniqueId("c")}:x` }],
    ["a runId of digits only", { runId: String(Date.now()) + String(process.hrtime()[1]) }],
    ["a 200-character runId", { runId: `r${"x".repeat(163)}${uniqueId("")}`.slice(0, 200) }],
    ["a threadId with colons and digits", { threadId: `1:2:${Date.now()}` }],
    ["a runId of unicode text", { runId: `läuft 🚀 ${uniqueId("u")}` }],
  ])("%s runs normally and is found under its own name", async (_name, overrides) => {
    const input = runInput(overrides);
    expect(input.runId.length).toBeLessThanOrEqual(200);
    const events = await turn(alice, input);
    expect(events[0]).toMatchObject({
      type: "RUN_STARTED",
      runId: input.runId,
      threadId: input.threadId,
    });
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", runId: input.runId });
    const run = await get(alice, `/runs/${segment(input.runId)}`);
    expect(run.json()).toMatchObject({ run_id: input.runId, status: "succeeded" });
    // Its storage id (job id, stream key) is one BullMQ and Redis take.
    const { rows } = await database.pool.query<{ id: string }>(
      "select id from runs where client_run_id = $1",
      [input.runId],
    );
    expect(rows[0]?.id).toMatch(/^(?:~[0-9a-f]{64}|[A-Za-z0-9][A-Za-z0-9._-]{0,127})$/);
    expect(rows[0]?.id).not.toMatch(/^\d+$/);
    const replayed = await get(
      { ...alice, accept: "text/event-stream" },
      `/runs/${segment(input.runId)}/events`,
    );
    expect(replayed.body).toContain('"type":"RUN_FINISHED"');
    const accepted = await post(alice, "/runs", input);
    expect(accepted.json()).toMatchObject({
      replayed: true,
      events_url: `/api/v1/agent/runs/${segment(input.runId)}/events`,
    });
  });

  it("a 201-character runId is refused with 400 naming it", async () => {
    const response = await post(alice, "/runs", runInput({ runId: "r".repeat(201) }));
    expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR", field: "body.runId" });
  });
});
