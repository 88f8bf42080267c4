import { describe, expect, it } from "vitest";
import {
  admitAndExecute,
  firstTurn,
  llmCallRows,
  messageRows,
  runEvents,
  runRow,
  sessionRow,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew();

/** Everything a second execution could change: rows, snapshot, events, provider calls. */
async function observe(input: { threadId: string; runId: string; marker: string }) {
  const events = await runEvents(crew.runtime, input.runId);
  return {
    messages: await messageRows(crew.database, input.threadId),
    llmCalls: (await llmCallRows(crew.database, input.runId)).map((row) => row.id),
    run: await runRow(crew.database, input.runId),
    session: await sessionRow(crew.database, input.threadId),
    events,
    terminalEvents: events.filter(
      (event) => event.type === "RUN_FINISHED" || event.type === "RUN_ERROR",
    ).length,
    providerRequests: crew.conversations.requestsFor(input.marker).length,
  };
}

describe("executing the same job again after its run ended", () => {
  it("changes nothing for a run that succeeded: same messages, same llm_calls, one terminal event", async () => {
    const marker = uniqueId("repeat-success");
    const callId = uniqueId("call-time");
    crew.conversations.script(marker, {
      intent: [{ text: "action" }],
      // Answers for a second execution, should it wrongly call the model again.
      respond: [
        { toolCalls: [{ id: callId, name: "srv_get_current_time", arguments: {} }] },
        { text: "It is noon." },
        { text: "A duplicate answer." },
      ],
    });
    const turn = firstTurn({ text: `What time is it? ${marker}` });
    await admitAndExecute(crew.runtime, "frank", turn);
    const before = await observe({ ...turn, marker });
    expect(before.run.status).toBe("succeeded");
    expect(before.messages.map((row) => row.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    expect(before.llmCalls).toHaveLength(3);
    expect(before.terminalEvents).toBe(1);

    await crew.runtime.executeJob(turn.runId);

    const after = await observe({ ...turn, marker });
    expect(after).toEqual(before);
  });

  it("changes nothing for a run that paused on an approval: the call stays pending and unexecuted", async () => {
    const marker = uniqueId("repeat-paused");
    const callId = uniqueId("call-transfer");
    crew.conversations.script(marker, {
      intent: [{ text: "action" }, { text: "action" }],
      respond: [
        {
          toolCalls: [
            {
              id: callId,
              name: "srv_transfer_funds",
              arguments: { amount: 5, currency: "EUR", to_account: "FR7612345" },
            },
          ],
        },
        { text: "A duplicate answer." },
      ],
    });
    const turn = firstTurn({ text: `Send 5 EUR to FR7612345 ${marker}` });
    await admitAndExecute(crew.runtime, "frank", turn);
    const before = await observe({ ...turn, marker });
    expect(before.run.status).toBe("interrupted");
    expect(before.terminalEvents).toBe(1);

    await crew.runtime.executeJob(turn.runId);

    const after = await observe({ ...turn, marker });
    expect(after).toEqual(before);
    const executions = await crew.database.pool.query(
      "select 1 from tool_executions where idempotency_key = $1",
      [`${turn.runId}:${callId}`],
    );
    expect(executions.rowCount).toBe(0);
  });

  it("changes nothing for a run that failed: one RUN_ERROR, no new provider call", async () => {
    const marker = uniqueId("repeat-failed");
    // 400 is not retried: the run fails on the first call.
    crew.conversations.script(marker, { intent: [{ status: 400 }, { text: "action" }] });
    const turn = firstTurn({ text: `hello ${marker}` });
    await admitAndExecute(crew.runtime, "frank", turn);
    const before = await observe({ ...turn, marker });
    expect(before.run).toMatchObject({ status: "failed", errorCode: "LLM_PROVIDER_ERROR" });
    expect(before.events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "LLM_PROVIDER_ERROR" });
    expect(before.providerRequests).toBe(1);

    await crew.runtime.executeJob(turn.runId);

    expect(await observe({ ...turn, marker })).toEqual(before);
  });
});
