import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import {
  type FaultFigures,
  faultFigures,
  messageProblems,
  waitUntilNothingActive,
} from "../../support/fault-figures.js";
import { newToolCallId, SINGLE_STAGE, transferCall } from "../../support/hitl-tools.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../../support/isolated-database.js";
import { RestartableRedisServer } from "../../support/restartable-redis-server.js";
import { RunApiClient } from "../../support/run-api-client.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../support/scripted-stages.js";
import { type Services, startServices } from "../../support/service-processes.js";
import { scriptedDeepseek, testEnvironment } from "../../support/test-settings.js";

/**
 * Redis killed and started again empty (no persistence) while runs are queued, running and
 * waiting for an approval; api, worker (supervisor on) and Redis are processes of this test,
 * the database is its own.
 */
let redis: RestartableRedisServer;
let database: IsolatedDatabase;
let server: ScriptedOpenAiServer;
let stages: ScriptedStages;
let services: Services;
let sql: pg.Pool;
let figures: FaultFigures | undefined;

beforeAll(async () => {
  redis = await RestartableRedisServer.start();
  database = await createIsolatedDatabase();
  server = await startScriptedOpenAiServer();
  stages = new ScriptedStages(server);
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
  services = await startServices(
    testEnvironment({
      ...scriptedDeepseek(server.baseUrl),
      SOCIAL_DATABASE__URL: database.url,
      SOCIAL_REDIS__URL: redis.url,
      SOCIAL_REDIS__KEY_PREFIX: "",
      // One run at a time, so runs posted while one runs stay queued.
      SOCIAL_QUEUE__CONCURRENCY: "1",
      SOCIAL_SUPERVISOR__ENABLED: "true",
      SOCIAL_SUPERVISOR__INTERVAL_MS: "1000",
      SOCIAL_SUPERVISOR__LEASE_MS: "3000",
    }),
  );
}, 60_000);

afterAll(async () => {
  if (figures) console.info("redis restart figures", JSON.stringify(figures));
  await services?.stop();
  await server?.close();
  await sql?.end();
  await redis?.stop();
  await database?.drop();
});

/** Retries `probe` until it passes (at most 5 s). */
async function eventually<T>(probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function turn(threadId: string, marker: string, agent?: string) {
  return {
    threadId,
    runId: uniqueId("run"),
    messages: [{ id: uniqueId("m"), role: "user", content: `Turn ${marker}` }],
    tools: [],
    context: [],
    forwardedProps: agent ? { agent } : {},
  };
}

describe("Redis restarted empty with runs queued, running and waiting for approval", () => {
  it("ends every run (queued ones complete), keeps the approval resumable, frees every thread, keeps the history whole", async () => {
    const userId = uniqueId("user");
    const client = RunApiClient.forUser(services.baseUrl, userId);

    // Waiting for a human: run 1 calls the approval-gated tool.
    const approvalMarker = uniqueId("approval");
    const callId = newToolCallId();
    stages.script(approvalMarker, {
      respond: (call) =>
        call === 1 ? { toolCalls: [transferCall(callId)] } : { text: ["Transfer ", "done."] },
    });
    const waiting = turn(uniqueId("thread"), approvalMarker, SINGLE_STAGE.agent);
    expect((await client.postRun(waiting)).status).toBe(202);
    expect((await client.waitForRun(waiting.runId)).status).toBe("interrupted");

    // A second approval, granted while the worker is busy: its resume is queued at the fault.
    const grantedMarker = uniqueId("granted");
    const grantedCallId = newToolCallId();
    stages.script(grantedMarker, {
      respond: (call) =>
        call === 1
          ? { toolCalls: [transferCall(grantedCallId)] }
          : { text: ["Granted ", "transfer done."] },
    });
    const granted = turn(uniqueId("thread"), grantedMarker, SINGLE_STAGE.agent);
    expect((await client.postRun(granted)).status).toBe(202);
    expect((await client.waitForRun(granted.runId)).status).toBe("interrupted");

    // Running: a slow answer holds the worker's only slot.
    const slowMarker = uniqueId("slow");
    stages.script(slowMarker, {
      respond: {
        text: Array.from({ length: 12 }, (_, index) => `part ${index} `),
        chunkDelayMs: 400,
      },
    });
    const running = turn(uniqueId("thread"), slowMarker);
    expect((await client.postRun(running)).status).toBe(202);
    await client.waitForRun(running.runId, ["running"]);

    // Queued behind it.
    const queued = Array.from({ length: 3 }, () => {
      const marker = uniqueId("queued");
      stages.script(marker, { respond: { text: ["Queued ", "answer."] } });
      return turn(uniqueId("thread"), marker);
    });
    for (const input of queued) expect((await client.postRun(input)).status).toBe(202);
    const grant = await client.request(`/runs/${granted.runId}/resume`, {
      body: { approvals: [{ tool_call_id: grantedCallId, approved: true }] },
    });
    expect(grant.status).toBe(202);
    const grantedResume = (await grant.json()) as { run_id: string };

    await redis.kill();
    // While Redis is down: readiness names it within a second, a new run is refused with 503.
    const readiness = await eventually(async () => {
      const started = Date.now();
      const response = await fetch(`${services.baseUrl}/readyz`);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(response.status).toBe(503);
      return response;
    });
    expect(readiness.headers.get("retry-after")).toBe("5");
    expect(await readiness.json()).toMatchObject({
      checks: { postgres: "ok", redis: "unreachable" },
      error: { code: "SERVICE_UNAVAILABLE", details: { dependency: "redis" } },
    });
    const refused = await client.request("/runs", { body: turn(uniqueId("thread"), "refused") });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await refused.json()).toMatchObject({
      error: { code: "SERVICE_UNAVAILABLE", details: { dependency: "redis" } },
    });

    await redis.restart();
    const faultEnded = Date.now();

    // Every run ends; the queued ones complete (the supervisor queued them again).
    await waitUntilNothingActive(sql, 60_000);
    expect(Date.now() - faultEnded).toBeLessThan(90_000);
    for (const runId of [
      running.runId,
      ...queued.map((input) => input.runId),
      grantedResume.run_id,
    ])
      expect((await client.waitForRun(runId)).status).toBe("succeeded");
    // The human's decision survived the lost job: the approved call ran, once.
    const { rows: grantedResults } = await sql.query(
      "select content from messages where session_id = $1 and role = 'tool' and tool_call_id = $2",
      [granted.threadId, grantedCallId],
    );
    expect(grantedResults).toHaveLength(1);
    expect((await client.waitForRun(waiting.runId)).status).toBe("interrupted");

    // The approval survived: resuming runs the tool and completes.
    const resume = await client.request(`/runs/${waiting.runId}/resume`, {
      body: { approvals: [{ tool_call_id: callId, approved: true }] },
    });
    expect(resume.status).toBe(202);
    const resumed = (await resume.json()) as { run_id: string };
    expect((await client.waitForRun(resumed.run_id)).status).toBe("succeeded");

    // Every thread takes a new turn.
    for (const input of [waiting, granted, running, ...queued]) {
      const marker = uniqueId("after");
      stages.script(marker, { respond: { text: ["After ", "the fault."] } });
      const single = input === waiting || input === granted;
      const next = turn(input.threadId, marker, single ? SINGLE_STAGE.agent : undefined);
      expect((await client.postRun(next)).status).toBe(202);
      expect((await client.waitForRun(next.runId)).status).toBe("succeeded");
    }

    expect(await messageProblems(sql)).toEqual([]);
    const { rows } = await sql.query<{ session_id: string; role: string }>(
      "select session_id, role from messages where session_id = any($1) order by session_id, seq",
      [queued.map((input) => input.threadId)],
    );
    // Each queued thread: its turn and answer, then the new turn and answer; nothing twice.
    for (const input of queued)
      expect(
        rows.filter((row) => row.session_id === input.threadId).map((row) => row.role),
      ).toEqual(["user", "assistant", "user", "assistant"]);

    figures = await faultFigures(sql);
    expect(figures.stuck).toBe(0);
    expect(figures.givenUp).toBe(0);
    // The queued turns and the queued approval resume.
    expect(figures.recovered).toBeGreaterThanOrEqual(queued.length + 1);
  }, 180_000);
});
