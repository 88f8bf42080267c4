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
  it("cancels a queued run: the worker ends it with RUN_FINISHED cancelled and keeps the user's turn", async () => {
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
    expect(cancel.json()).toEqual({ run_id: input.runId, status: "cancelling" });
    await runtime.executeJob(input.runId);
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
