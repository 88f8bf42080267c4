import { describe, expect, it } from "vitest";
import {
  admitAndExecute,
  admitRun,
  firstTurn,
  runEvents,
  runRow,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedProject } from "../../../../../support/scripted-project.js";
import {
  cancelRun,
  eventually,
  storedToolMessage,
} from "../../../../../support/tool-sources-project.js";

// tests/fixtures/crewai/module-tools: tools.yaml declares `orders`, a module source whose
// handlers live in tools/order-tools.ts; the agent names the whole source (module:orders/*).
const project = useScriptedProject("module-tools");
const ROLE = "Module tool user";

interface RecordedCall {
  handler: string;
  args: Record<string, unknown>;
  context: Record<string, string>;
  aborted?: boolean;
  abortReason?: string;
}

function recordedCalls(): RecordedCall[] {
  return (globalThis as { moduleToolCalls?: RecordedCall[] }).moduleToolCalls ?? [];
}

describe("a handler module (tools.yaml source kind module)", () => {
  it("is loaded from the config directory and its handler gets the call's ids", async () => {
    const marker = uniqueId("status");
    const callId = uniqueId("call");
    const userId = uniqueId("user");
    project.agents.script(marker, {
      [ROLE]: [
        {
          toolCalls: [{ id: callId, name: "orders_order_status", arguments: { order_id: "C-3" } }],
        },
        { text: "C-3 is packed." },
      ],
    });
    const turn = firstTurn({ text: `Status of C-3? ${marker}` });

    await admitAndExecute(project.runtime, userId, turn);

    const call = recordedCalls().find((entry) => entry.context.toolCallId === callId);
    expect(call).toEqual({
      handler: "order_status",
      args: { order_id: "C-3" },
      context: {
        runId: turn.runId,
        sessionId: turn.threadId,
        userId,
        toolCallId: callId,
        toolName: "orders.order_status",
        idempotencyKey: `${turn.runId}:${callId}`,
      },
    });
    const stored = await storedToolMessage(project.database, turn.threadId, callId);
    expect(JSON.parse(stored?.content ?? "null")).toEqual({
      order_id: "C-3",
      status: "packed",
      run_id: turn.runId,
      user_id: userId,
    });
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "succeeded" });
  });

  it("a cancelled run aborts the handler's signal and ends cancelled", async () => {
    const marker = uniqueId("cancel");
    const callId = uniqueId("call");
    const userId = uniqueId("user");
    project.agents.script(marker, {
      [ROLE]: [{ toolCalls: [{ id: callId, name: "orders_wait_for_cancel", arguments: {} }] }],
    });
    const turn = firstTurn({ text: `Wait ${marker}` });
    await admitRun(project.runtime, userId, turn);
    const running = project.runtime.executeJob(turn.runId, { claim: true });

    const call = await eventually(
      () => recordedCalls().find((entry) => entry.context.toolCallId === callId),
      { what: "the handler to be called" },
    );
    expect(call.aborted).toBeUndefined();
    expect(await cancelRun(project.runtime, userId, turn.runId)).toBe(202);
    await running;

    expect(call).toMatchObject({ aborted: true, abortReason: "CancelledError" });
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "cancelled" });
    const events = await runEvents(project.runtime, turn.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "cancelled" } });
  });
});
