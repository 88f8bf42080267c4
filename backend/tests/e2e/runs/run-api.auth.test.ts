import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { startServices } from "../../support/service-processes.js";
import { readRunFrames } from "../../support/sse-event-reader.js";
import { TEST_JWT_SECRET, testEnvironment } from "../../support/test-settings.js";

let services: Awaited<ReturnType<typeof startServices>> | undefined;
let baseUrl: string;
/** Alice's finished demo run, which the other tests try to reach. */
const alice = { userId: uniqueId("alice"), threadId: "", runId: "" };

beforeAll(async () => {
  services = await startServices(testEnvironment());
  baseUrl = services.baseUrl;
  const client = RunApiClient.forUser(baseUrl, alice.userId);
  const input = runInput({ text: "hello from alice" });
  const { status } = await client.postRun(input);
  if (status !== 202) throw new Error(`alice's run was not accepted: ${status}`);
  await client.waitForRun(input.runId);
  alice.threadId = input.threadId;
  alice.runId = input.runId;
}, 60_000);

afterAll(() => services?.stop());

function withHeaders(headers: Record<string, string>): RunApiClient {
  return new RunApiClient(baseUrl, async () => headers);
}

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

/** Every route of the run API, as `[name, call]`. */
function routes(client: RunApiClient): [string, () => Promise<Response>][] {
  return [
    ["POST /runs", () => client.request("/runs", { body: runInput({ text: "hi" }) })],
    ["GET /runs/{id}", () => client.request(`/runs/${alice.runId}`)],
    ["GET /runs/{id}/events", () => client.openEvents(alice.runId)],
    ["GET /sessions", () => client.request("/sessions")],
    ["GET /sessions/{id}", () => client.request(`/sessions/${alice.threadId}`)],
    ["GET /sessions/{id}/messages", () => client.request(`/sessions/${alice.threadId}/messages`)],
    [
      "DELETE /sessions/{id}",
      () => client.request(`/sessions/${alice.threadId}`, { method: "DELETE" }),
    ],
  ];
}

async function expectUnauthorized(client: RunApiClient) {
  for (const [name, call] of routes(client)) {
    const response = await call();
    const body = (await response.json()) as { error?: { code?: string } };
    expect({ name, status: response.status, code: body.error?.code }).toEqual({
      name,
      status: 401,
      code: "UNAUTHORIZED",
    });
  }
}

describe("authentication", () => {
  it("answers 401 UNAUTHORIZED on every route when there is no token", async () => {
    await expectUnauthorized(withHeaders({}));
  });

  it("answers 401 UNAUTHORIZED, not a validation error, to an unauthenticated request with a bad body", async () => {
    const response = await withHeaders({}).request("/runs", { body: { threadId: "" } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "UNAUTHORIZED",
    );
  });

  it("answers 401 UNAUTHORIZED for a malformed token, a foreign signature, an expired token and a token without subject", async () => {
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.userId)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("another-secret-0123456789abcdef0123456789"));
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.userId)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret);
    const noSubject = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("1h")
      .sign(secret);
    for (const authorization of [
      "Bearer not-a-jwt",
      `Bearer ${foreign}`,
      `Bearer ${expired}`,
      `Bearer ${noSubject}`,
      `Basic ${Buffer.from(`${alice.userId}:x`).toString("base64")}`,
    ]) {
      await expectUnauthorized(withHeaders({ authorization }));
    }
    // None of the refused requests touched alice's session.
    const own = await RunApiClient.forUser(baseUrl, alice.userId).getJson(
      `/sessions/${alice.threadId}`,
    );
    expect(own.status).toBe(200);
  });
});

describe("isolation between users", () => {
  it("lets the owner read her session, messages, run and events", async () => {
    const owner = RunApiClient.forUser(baseUrl, alice.userId);
    expect((await owner.getJson(`/sessions/${alice.threadId}`)).status).toBe(200);
    const messages = await owner.getJson(`/sessions/${alice.threadId}/messages`);
    expect(messages.status).toBe(200);
    expect((messages.json.messages as unknown[]).length).toBe(2);
    expect((await owner.getJson(`/runs/${alice.runId}`)).json).toMatchObject({
      status: "succeeded",
    });
    const events = await readRunFrames({ response: await owner.openEvents(alice.runId) });
    expect(events.ended).toBe(true);
  });

  it("answers 404 NOT_FOUND to another user on her session, messages, run and events", async () => {
    const bob = RunApiClient.forUser(baseUrl, uniqueId("bob"));
    for (const path of [
      `/sessions/${alice.threadId}`,
      `/sessions/${alice.threadId}/messages`,
      `/runs/${alice.runId}`,
    ]) {
      const { status, json } = await bob.getJson(path);
      expect({ path, status, code: (json.error as { code?: string } | undefined)?.code }).toEqual({
        path,
        status: 404,
        code: "NOT_FOUND",
      });
    }
    const events = await bob.openEvents(alice.runId);
    expect(events.status).toBe(404);
    expect(events.headers.get("content-type")).toContain("application/json");
    expect(((await events.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("does not let another user delete her session or post a run on her thread", async () => {
    const bob = RunApiClient.forUser(baseUrl, uniqueId("bob"));
    const deletion = await bob.request(`/sessions/${alice.threadId}`, { method: "DELETE" });
    expect(deletion.status).toBe(404);
    // Her thread id names a thread of bob's own (ids belong to their owner), as an unused id would.
    const intrusion = await bob.postRun(runInput({ threadId: alice.threadId, text: "let me in" }));
    expect(intrusion.status).toBe(202);
    expect(intrusion.json).toMatchObject({ session_id: alice.threadId, replayed: false });

    const owner = RunApiClient.forUser(baseUrl, alice.userId);
    const session = await owner.getJson(`/sessions/${alice.threadId}`);
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({ message_count: 2, active_run_id: null });
  });

  it("lists only the caller's own sessions", async () => {
    const bobId = uniqueId("bob");
    const bob = RunApiClient.forUser(baseUrl, bobId);
    const bobInput = runInput({ text: "hello from bob" });
    expect((await bob.postRun(bobInput)).status).toBe(202);
    await bob.waitForRun(bobInput.runId);

    const sessionIds = async (client: RunApiClient) => {
      const { status, json } = await client.getJson("/sessions?limit=200");
      expect(status).toBe(200);
      return (json.sessions as { session_id: string }[]).map((session) => session.session_id);
    };
    expect(await sessionIds(bob)).toEqual([bobInput.threadId]);
    const aliceSessions = await sessionIds(RunApiClient.forUser(baseUrl, alice.userId));
    expect(aliceSessions).toEqual([alice.threadId]);
    expect(await sessionIds(RunApiClient.forUser(baseUrl, uniqueId("carol")))).toEqual([]);
  });
});
