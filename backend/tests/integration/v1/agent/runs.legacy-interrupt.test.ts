import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { uniqueId } from "../../../support/database.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let legacy: InProcessRuntime;
let standard: InProcessRuntime;

beforeAll(async () => {
  legacy = await InProcessRuntime.start({ SOCIAL_RUNTIME__LEGACY_INTERRUPT_EVENT: "true" });
  standard = await InProcessRuntime.start();
});
afterAll(async () => {
  await legacy.close();
  await standard.close();
});

/** A demo-model run that pauses on the approval-gated transfer tool. */
async function pausedOnTransfer(runtime: InProcessRuntime) {
  const input = runInput({
    messages: [{ id: uniqueId("m"), role: "user", content: "Please transfer 25 EUR to ACC-42" }],
    forwardedProps: { agent: "single" },
  });
  await runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: await authHeaders("alice"),
    payload: input,
  });
  await runtime.executeJob(input.runId);
  return (await runtime.root.events.readAll(input.runId)).map((event) => JSON.parse(event.data));
}

describe("the legacy on_interrupt event (SOCIAL_RUNTIME__LEGACY_INTERRUPT_EVENT)", () => {
  it("when on, an interrupt is also announced as CUSTOM on_interrupt right before RUN_FINISHED", async () => {
    const events = await pausedOnTransfer(legacy);
    const finished = events.at(-1);
    const custom = events.at(-2);
    expect(finished.type).toBe("RUN_FINISHED");
    expect(finished.outcome.type).toBe("interrupt");
    expect(custom).toEqual({
      type: "CUSTOM",
      name: "on_interrupt",
      value: finished.outcome.interrupts,
    });
  });

  it("when off (the default), only the standard interrupt outcome is sent", async () => {
    const events = await pausedOnTransfer(standard);
    expect(events.at(-1).outcome.type).toBe("interrupt");
    expect(events.some((event) => event.type === "CUSTOM")).toBe(false);
  });
});
