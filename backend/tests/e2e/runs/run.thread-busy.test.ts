import { describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { readRunRows } from "../../support/run-rows.js";
import { useScriptedServices } from "../../support/scripted-services.js";
import { frameType, readRunFrames } from "../../support/sse-event-reader.js";

const harness = useScriptedServices();

/** A turn whose answer takes ~2 s to stream, so a run on it is certainly still active. */
function slowTurn(threadId: string) {
  const marker = uniqueId("turn");
  harness.stages.script(marker, {
    intent: { text: "question", delayMs: 500 },
    respond: { text: Array.from({ length: 15 }, (_, index) => `t${index} `), chunkDelayMs: 100 },
  });
  return runInput({ threadId, text: `Please answer slowly ${marker}` });
}

describe("two runs on one thread", () => {
  it("admits one of two concurrent POSTs and refuses the other with 409 THREAD_BUSY", async () => {
    const client = RunApiClient.forUser(harness.services.baseUrl, uniqueId("user"));
    const threadId = uniqueId("thread");
    const first = slowTurn(threadId);
    const second = slowTurn(threadId);

    const answers = await Promise.all([client.postRun(first), client.postRun(second)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409]);
    const acceptedIndex = answers.findIndex((answer) => answer.status === 202);
    const accepted = acceptedIndex === 0 ? first : second;
    const refused = acceptedIndex === 0 ? second : first;
    expect(answers[acceptedIndex]?.json).toMatchObject({
      run_id: accepted.runId,
      session_id: threadId,
      status: "queued",
    });
    expect(answers[1 - acceptedIndex]?.json).toMatchObject({
      error: { code: "THREAD_BUSY", message: expect.any(String) },
    });

    // While the admitted run is still going, another turn is refused as well.
    const third = slowTurn(threadId);
    const busy = await client.postRun(third);
    expect(busy.status).toBe(409);
    expect(busy.json).toMatchObject({ error: { code: "THREAD_BUSY" } });

    // Refused runs leave nothing behind: no run row, no message.
    const refusedRun = await client.getJson(`/runs/${refused.runId}`);
    expect(refusedRun.status).toBe(404);
    expect((await client.getJson(`/runs/${third.runId}`)).status).toBe(404);

    // The moment the client sees the first run's RUN_FINISHED, its next turn is accepted (the
    // session is released before the terminal event is published).
    const firstEvents = await readRunFrames({ response: await client.openEvents(accepted.runId) });
    expect(firstEvents.frames.map(frameType).at(-1)).toBe("RUN_FINISHED");
    const next = slowTurn(threadId);
    const afterwards = await client.postRun(next);
    expect(afterwards.status).toBe(202);
    expect((await client.waitForRun(next.runId)).status).toBe("succeeded");

    const rows = await readRunRows(harness.database, { sessionId: threadId, runId: next.runId });
    expect(rows.messages.map((message) => [message.seq, message.role, message.run_id])).toEqual([
      [1, "user", accepted.runId],
      [2, "assistant", accepted.runId],
      [3, "user", next.runId],
      [4, "assistant", next.runId],
    ]);
    const texts = rows.messages.map((message) => message.content ?? "");
    expect(texts.some((text) => text.includes(refused.messages[0]?.content as string))).toBe(false);
    expect(rows.session).toMatchObject({ status: "idle", active_run_id: null });
  });
});
