import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
});
afterAll(() => runtime.close());

describe("POST /api/v1/agent/runs", () => {
  it("test_run_api_enqueues_celery_task: answers 202 and a job exists in the queue for that run id", async () => {
    const input = runInput();
    const response = await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("alice"),
      payload: input,
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({
      run_id: input.runId,
      session_id: input.threadId,
      kind: "run",
      status: "queued",
      replayed: false,
      events_url: `/api/v1/agent/runs/${input.runId}/events`,
    });
    const job = await runtime.root.queue.queue.getJob(input.runId);
    expect(job?.name).toBe("run");
    expect(job?.data).toMatchObject({
      runId: input.runId,
      sessionId: input.threadId,
      userId: "alice",
    });
  });

  it("executes a queued job to completion with the demo model", async () => {
    const input = runInput();
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("alice"),
      payload: input,
    });
    await runtime.executeJob(input.runId);
    const run = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${input.runId}`,
      headers: await authHeaders("alice"),
    });
    expect(run.json()).toMatchObject({ status: "succeeded", error: null });
    const events = await runtime.root.events.readAll(input.runId);
    const types = events.map((event) => JSON.parse(event.data).type);
    expect(types[0]).toBe("RUN_STARTED");
    expect(types.at(-1)).toBe("RUN_FINISHED");
  });
});
