import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { uniqueId } from "../../../support/database.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

// No worker runs here: an admitted run stays queued, so its thread stays busy.
let runtime: InProcessRuntime;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
});
afterAll(() => runtime.close());

async function post(payload: Record<string, unknown>, user = "alice") {
  return runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: await authHeaders(user),
    payload,
  });
}

async function storedRunIds(threadId: string): Promise<string[]> {
  const { rows } = await runtime.root.database.pool.query<{ id: string }>(
    "select id from runs where session_id = $1",
    [threadId],
  );
  return rows.map((row) => row.id);
}

describe("POST /runs on a busy thread (the one-round-trip refusal)", () => {
  it("of concurrent turns on one new thread, admits exactly one and refuses the rest naming it", async () => {
    const threadId = uniqueId("thread");
    const inputs = Array.from({ length: 20 }, () => runInput({ threadId }));
    const responses = await Promise.all(inputs.map((input) => post(input)));
    const accepted = responses.filter((response) => response.statusCode === 202);
    const refused = responses.filter((response) => response.statusCode === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(19);
    const activeRunId = accepted[0]?.json().run_id;
    for (const response of refused) {
      expect(response.json().error).toEqual({
        code: "THREAD_BUSY",
        message: `Thread ${threadId} already has an active run (${activeRunId})`,
        details: { active_run_id: activeRunId },
      });
    }
    expect(await storedRunIds(threadId)).toEqual([activeRunId]);
  });

  it("answers a replay of the active run as a replay, not as busy", async () => {
    const input = runInput();
    expect((await post(input)).statusCode).toBe(202);
    const again = await post(input);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ run_id: input.runId, replayed: true });
  });

  it("answers another user's busy thread as not found, never as busy", async () => {
    const input = runInput();
    expect((await post(input)).statusCode).toBe(202);
    const stranger = await post({ ...input, runId: uniqueId("run") }, "mallory");
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().error.code).toBe("NOT_FOUND");
  });

  it("admits the next turn once the thread is free again", async () => {
    const input = runInput();
    expect((await post(input)).statusCode).toBe(202);
    await runtime.root.database.pool.query(
      "update sessions set active_run_id = null, status = 'idle' where id = $1",
      [input.threadId],
    );
    await runtime.root.database.pool.query("update runs set status = 'succeeded' where id = $1", [
      input.runId,
    ]);
    const next = await post({ ...input, runId: uniqueId("run") });
    expect(next.statusCode).toBe(202);
  });
});
