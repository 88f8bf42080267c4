import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
});
afterAll(() => runtime.close());

describe("POST /runs/{runId}/cancel", () => {
  it("cancels a queued run at once: off the queue, RUN_FINISHED cancelled, the user's turn kept", async () => {
    const input = runInput();
    const headers = await authHeaders("alice");
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers,
      payload: input,
    });
    const cancel = await runtime.app.inject({
      method: "POST",
      url: `/api/v1/agent/runs/${input.runId}/cancel`,
      headers,
    });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toEqual({ run_id: input.runId, status: "cancelled" });
    expect(await runtime.root.queue.queue.getJob(input.runId)).toBeUndefined();
    const run = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${input.runId}`,
      headers,
    });
    expect(run.json()).toMatchObject({
      status: "cancelled",
      cancel_requested: true,
      error: { code: "CANCELLED" },
    });
    const events = (await runtime.root.events.readAll(input.runId)).map((event) =>
      JSON.parse(event.data),
    );
    expect(events.map((event) => event.type)).toEqual(["RUN_STARTED", "RUN_FINISHED"]);
    expect(events.at(-1).outcome).toEqual({ type: "cancelled" });
    const session = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers,
    });
    expect(session.json()).toMatchObject({ status: "idle", active_run_id: null, message_count: 1 });
  });

  it("cancels a queued run whose job the queue lost, then DELETE of its session works", async () => {
    const input = runInput();
    const headers = await authHeaders("alice");
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers,
      payload: input,
    });
    // The queue forgets the job (a Redis restarted without persistence).
    await runtime.root.queue.queue.remove(input.runId);
    const busy = await runtime.app.inject({
      method: "DELETE",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers,
    });
    expect(busy.statusCode).toBe(409);

    const cancel = await runtime.app.inject({
      method: "POST",
      url: `/api/v1/agent/runs/${input.runId}/cancel`,
      headers,
    });
    expect(cancel.json()).toEqual({ run_id: input.runId, status: "cancelled" });
    const run = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${input.runId}`,
      headers,
    });
    expect(run.json()).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
    const events = (await runtime.root.events.readAll(input.runId)).map((event) =>
      JSON.parse(event.data),
    );
    expect(events.map((event) => event.type)).toEqual(["RUN_STARTED", "RUN_FINISHED"]);

    const deleted = await runtime.app.inject({
      method: "DELETE",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers,
    });
    expect(deleted.statusCode).toBe(204);
  });

  it("ends at once a running run whose job waits in the queue (its worker handed it back or died)", async () => {
    const input = runInput();
    const headers = await authHeaders("alice");
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers,
      payload: input,
    });
    // Picked up once (Postgres says running), but no worker holds the job now.
    await runtime.root.store.pickUp({ runId: input.runId, now: new Date() });
    const cancel = await runtime.app.inject({
      method: "POST",
      url: `/api/v1/agent/runs/${input.runId}/cancel`,
      headers,
    });
    expect(cancel.json()).toEqual({ run_id: input.runId, status: "cancelled" });
    const session = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers,
    });
    expect(session.json()).toMatchObject({ status: "idle", active_run_id: null });
  });

  it("cancelling a cancelled run again is accepted; a finished run is not cancellable (409)", async () => {
    const headers = await authHeaders("alice");
    const finished = runInput();
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers,
      payload: finished,
    });
    await runtime.executeJob(finished.runId);
    const late = await runtime.app.inject({
      method: "POST",
      url: `/api/v1/agent/runs/${finished.runId}/cancel`,
      headers,
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe("RUN_NOT_ACTIVE");
  });

  it("an unknown run → 404", async () => {
    const response = await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs/nope/cancel",
      headers: await authHeaders("alice"),
    });
    expect(response.statusCode).toBe(404);
  });
});
