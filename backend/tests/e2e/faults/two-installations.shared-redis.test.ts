import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../support/agent-requests.js";
import { InProcessRuntime } from "../../support/in-process-runtime.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../../support/isolated-database.js";
import { authHeaders } from "../../support/jwt.js";

/**
 * Two installations — each its own database, api and worker (supervisor on) — on one Redis,
 * with the default key prefix and queue name: each must run only its own runs.
 */
interface Installation {
  database: IsolatedDatabase;
  runtime: InProcessRuntime;
}

const installations: Installation[] = [];

beforeAll(async () => {
  for (let index = 0; index < 2; index++) {
    const database = await createIsolatedDatabase();
    const runtime = await InProcessRuntime.start({
      SOCIAL_DATABASE__URL: database.url,
      // Back to the defaults: an empty variable counts as unset.
      SOCIAL_REDIS__KEY_PREFIX: "",
      SOCIAL_QUEUE__NAME: "",
      SOCIAL_SUPERVISOR__ENABLED: "true",
      SOCIAL_SUPERVISOR__INTERVAL_MS: "1000",
    });
    installations.push({ database, runtime });
    await runtime.startWorker();
  }
}, 60_000);

afterAll(async () => {
  for (const { database, runtime } of installations) {
    const keys = await runtime.root.redis.keys(`${runtime.root.keyPrefix}:*`);
    if (keys.length > 0) await runtime.root.redis.del(...keys);
    await runtime.close();
    await database.drop();
  }
});

async function waitForEnd(runtime: InProcessRuntime, runId: string, userId: string) {
  const headers = await authHeaders(userId);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${runId}`,
      headers,
    });
    const status = run.json().status as string;
    if (!["queued", "running"].includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("two installations with different databases on one Redis, default settings", () => {
  it("keep apart: the default key prefix names the database", () => {
    const [first, second] = installations;
    expect(first?.runtime.root.keyPrefix).toBe(`agent-runtime:${first?.database.name}`);
    expect(second?.runtime.root.keyPrefix).toBe(`agent-runtime:${second?.database.name}`);
    expect(first?.runtime.settings.queue.name).toBe(second?.runtime.settings.queue.name);
  });

  it("each runs only its own runs: all succeed, no job of the other's is taken or failed", async () => {
    const posted = installations.map(() => [] as string[]);
    for (let round = 0; round < 5; round++) {
      for (const [index, { runtime }] of installations.entries()) {
        const input = runInput();
        const response = await runtime.app.inject({
          method: "POST",
          url: "/api/v1/agent/runs",
          headers: await authHeaders(`install-${index}`),
          payload: input,
        });
        expect(response.statusCode).toBe(202);
        posted[index]?.push(input.runId);
      }
    }
    for (const [index, { runtime }] of installations.entries()) {
      for (const runId of posted[index] ?? [])
        expect(await waitForEnd(runtime, runId, `install-${index}`)).toBe("succeeded");
      const queue = runtime.root.queue.queue;
      const completed = (await queue.getCompleted()).map((job) => job.id);
      expect(completed.sort()).toEqual([...(posted[index] ?? [])].sort());
      expect(await queue.getFailedCount()).toBe(0);
    }
  });
});
