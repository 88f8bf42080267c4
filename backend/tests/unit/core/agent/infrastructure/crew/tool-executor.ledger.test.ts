import { describe, expect, it } from "vitest";
import type { ToolConfig } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import { ToolExecutor } from "../../../../../../src/core/agent/infrastructure/crew/tool-executor.js";
import { AjvJsonSchemaValidator } from "../../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";
import { at } from "../../domain/fixtures.js";
import { InMemoryToolExecutionLedger } from "./crew-runtime-fixture.js";

const TOOL: ToolConfig = {
  name: "srv.charge",
  description: "Charges a card.",
  parameters: { type: "object", properties: { cents: { type: "integer" } } },
  requires_approval: false,
  handler: "charge",
  side_effects: true,
  idempotent: false,
};

function setUp(behaviour: () => Promise<unknown> = () => Promise.resolve({ ok: true })) {
  let runs = 0;
  const ledger = new InMemoryToolExecutionLedger();
  const executor = new ToolExecutor(
    {
      has: () => true,
      invoke: () => {
        runs += 1;
        return behaviour();
      },
    },
    ledger,
    new AjvJsonSchemaValidator(),
  );
  const execute = (tool: ToolConfig = TOOL) =>
    executor.execute({
      tool,
      args: { cents: 100 },
      runId: "run-1",
      sessionId: "thread-1",
      userId: "user-1",
      toolCallId: "call-1",
      signal: new AbortController().signal,
      now: at(1),
    });
  return { ledger, execute, runs: () => runs };
}

describe("the tool ledger around a side-effecting handler", () => {
  it("records started, then the result; a replay returns the result without running again", async () => {
    const { ledger, execute, runs } = setUp();
    expect(await execute()).toMatchObject({ outcome: "succeeded", attempts: 1 });
    expect(ledger.rows.get("run-1:call-1")).toMatchObject({ status: "completed", attempts: 1 });
    expect(await execute()).toMatchObject({ outcome: "succeeded", replayed: true });
    expect(runs()).toBe(1);
  });

  it("records a thrown error as failed; a replay returns the same error", async () => {
    const { execute, runs } = setUp(() => Promise.reject(new Error("card declined")));
    expect(await execute()).toMatchObject({ outcome: "failed", error: "card declined" });
    expect(await execute()).toMatchObject({
      outcome: "failed",
      error: "card declined",
      replayed: true,
    });
    expect(runs()).toBe(1);
  });

  it("never starts a non-idempotent call again whose outcome a crash left unknown", async () => {
    const { ledger, execute, runs } = setUp();
    // What a worker that died inside the handler leaves behind.
    await ledger.start({ idempotencyKey: "run-1:call-1", toolName: TOOL.name });
    const execution = await execute();
    expect(execution).toMatchObject({ outcome: "outcome_unknown", attempts: 1 });
    expect(JSON.parse(execution.content)).toMatchObject({ status: "outcome_unknown" });
    expect(runs()).toBe(0);
    expect(ledger.rows.get("run-1:call-1")).toMatchObject({ status: "unknown" });
    expect(await execute()).toMatchObject({ outcome: "outcome_unknown" });
    expect(runs()).toBe(0);
  });

  it("runs an idempotent tool again after an unknown outcome, counting the attempt", async () => {
    const { ledger, execute, runs } = setUp();
    await ledger.start({ idempotencyKey: "run-1:call-1", toolName: TOOL.name });
    expect(await execute({ ...TOOL, idempotent: true })).toMatchObject({
      outcome: "succeeded",
      attempts: 2,
    });
    expect(runs()).toBe(1);
    expect(ledger.rows.get("run-1:call-1")).toMatchObject({ status: "completed", attempts: 2 });
  });

  it("runs a tool without side effects every time, without the ledger", async () => {
    const { ledger, execute, runs } = setUp();
    await execute({ ...TOOL, side_effects: false });
    await execute({ ...TOOL, side_effects: false });
    expect(runs()).toBe(2);
    expect(ledger.rows.size).toBe(0);
  });
});
