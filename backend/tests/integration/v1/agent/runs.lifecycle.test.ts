import { EventSchemas } from "@ag-ui/core/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let demo: InProcessRuntime;
let unconfigured: InProcessRuntime;

beforeAll(async () => {
  demo = await InProcessRuntime.start();
  // A real model code with no key: every run fails with LLM_NOT_CONFIGURED.
  unconfigured = await InProcessRuntime.start({ SOCIAL_LLM__DEFAULT_MODEL_CODE: "deepseek-v3.2" });
});
afterAll(async () => {
  await demo.close();
  await unconfigured.close();
});

async function storedEvents(runtime: InProcessRuntime, runId: string) {
  return (await runtime.root.events.readAll(runId)).map(
    (event) => JSON.parse(event.data) as { type: string; code?: string },
  );
}

describe("the AG-UI stream of a run", () => {
  it("test_agui_stream_emits_required_lifecycle: the first event is RUN_STARTED, the last RUN_FINISHED, each valid AG-UI", async () => {
    const input = runInput({ forwardedProps: { agent: "default" } });
    await demo.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("alice"),
      payload: input,
    });
    await demo.executeJob(input.runId);
    const events = await storedEvents(demo, input.runId);
    expect(events[0]?.type).toBe("RUN_STARTED");
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    for (const event of events) expect(() => EventSchemas.parse(event)).not.toThrow();
    const steps = events
      .filter((event) => event.type === "STEP_STARTED")
      .map((event) => (event as { stepName?: string }).stepName);
    expect(steps).toEqual(["intent", "respond"]);
  });

  it("ends a failing run with exactly one RUN_ERROR carrying the error code", async () => {
    const input = runInput();
    await unconfigured.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("alice"),
      payload: input,
    });
    await unconfigured.executeJob(input.runId);
    const events = await storedEvents(unconfigured, input.runId);
    expect(events[0]?.type).toBe("RUN_STARTED");
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "LLM_NOT_CONFIGURED" });
    expect(
      events.filter((event) => event.type === "RUN_ERROR" || event.type === "RUN_FINISHED"),
    ).toHaveLength(1);
    for (const event of events) expect(() => EventSchemas.parse(event)).not.toThrow();
    const run = await unconfigured.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${input.runId}`,
      headers: await authHeaders("alice"),
    });
    expect(run.json()).toMatchObject({ status: "failed", error: { code: "LLM_NOT_CONFIGURED" } });
    const session = await unconfigured.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers: await authHeaders("alice"),
    });
    expect(session.json()).toMatchObject({ status: "failed", active_run_id: null });
  });

  it("a second execution of a finished run's job changes nothing and publishes nothing new", async () => {
    const input = runInput();
    await demo.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("alice"),
      payload: input,
    });
    await demo.executeJob(input.runId);
    const before = await storedEvents(demo, input.runId);
    await demo.executeJob(input.runId);
    expect(await storedEvents(demo, input.runId)).toEqual(before);
  });
});
