import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseAgUiFrames,
  startedMessageIds,
  verifyAgUiEvents,
} from "../../support/agui-stream-checks.js";
import { uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { readRunRows } from "../../support/run-rows.js";
import { useScriptedServices } from "../../support/scripted-services.js";
import type { ServiceProcess } from "../../support/service-processes.js";
import { frameType, readRunFrames } from "../../support/sse-event-reader.js";

const FINAL_CHUNKS = ["The answer ", "after the ", "crash."];

const harness = useScriptedServices();
/** The worker process currently serving the queue (replaced by each crash). */
let worker: ServiceProcess | undefined;
const extraWorkers: ServiceProcess[] = [];

beforeAll(async () => {
  worker = harness.services.worker;
}, 60_000);

afterAll(async () => {
  await Promise.all(extraWorkers.map((extra) => extra.stop()));
});

/**
 * Starts a run whose first respond call streams two chunks and then hangs (later calls answer
 * in full), waits until the client sees that text, SIGKILLs the worker and starts a new one.
 */
async function crashMidAnswer() {
  const userId = uniqueId("user");
  const marker = uniqueId("crash");
  harness.stages.script(marker, {
    respond: (call) =>
      call === 1
        ? { text: ["Partial ", "answer ", "lost"], hangAfterChunks: 3 }
        : { text: FINAL_CHUNKS },
  });
  const client = RunApiClient.forUser(harness.services.baseUrl, userId);
  const input = runInput({ text: `Survive a crash ${marker}` });
  expect((await client.postRun(input)).status).toBe(202);

  const connection = new AbortController();
  const before = await readRunFrames({
    response: await client.openEvents(input.runId, { signal: connection.signal }),
    stopAt: (frame) => frameType(frame) === "TEXT_MESSAGE_CONTENT",
    abort: connection,
  });
  expect(before.ended).toBe(false);
  expect(harness.stages.callCount(marker, "respond")).toBe(1);

  await worker?.kill();
  const next = await harness.services.startWorker();
  extraWorkers.push(next);
  worker = next;

  const run = await client.waitForRun(input.runId, ["succeeded", "failed", "cancelled"], 45_000);
  return { client, input, marker, run };
}

describe("a worker process killed in the middle of a run", () => {
  it("lets a new worker finish the run with no duplicated or missing message and a valid stream", async () => {
    const { client, input, marker, run } = await crashMidAnswer();
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    expect(harness.stages.callCount(marker, "respond")).toBeGreaterThanOrEqual(2);

    const rows = await readRunRows(harness.database, {
      sessionId: input.threadId,
      runId: input.runId,
    });
    expect(rows.messages.map((message) => message.seq)).toEqual(
      rows.messages.map((_, index) => index + 1),
    );
    expect(rows.messages.map((message) => [message.role, message.content])).toEqual([
      ["user", input.messages[0]?.content],
      ["assistant", FINAL_CHUNKS.join("")],
    ]);
    expect(rows.messages[0]?.id).toBe(input.messages[0]?.id);
    expect(rows.run?.attempts).toBeGreaterThanOrEqual(2);
    expect(rows.session).toMatchObject({ status: "idle", active_run_id: null, message_count: 2 });
    expect(
      rows.llmCalls.filter((call) => call.stage === "respond" && call.status === "success"),
    ).toHaveLength(1);

    // Read from the start, the stream is one valid run: the recovery closed what the dead
    // attempt left open before the new attempt's events, and it ends with RUN_FINISHED.
    const replay = await readRunFrames({ response: await client.openEvents(input.runId) });
    expect(replay.ended).toBe(true);
    const events = parseAgUiFrames(replay.frames);
    await verifyAgUiEvents(events);
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === "RUN_STARTED")).toHaveLength(1);
    expect(types.at(-1)).toBe("RUN_FINISHED");
    expect(startedMessageIds(events).at(-1)).toBe(rows.messages[1]?.id);
  });

  it("keeps an llm_calls row for every model call that completed before the crash", async () => {
    const { input, marker, run } = await crashMidAnswer();
    expect(run.status).toBe("succeeded");
    const rows = await readRunRows(harness.database, {
      sessionId: input.threadId,
      runId: input.runId,
    });
    // Every intent call was answered in full (the first before the crash): each cost tokens
    // and must be metered, whether or not the new attempt repeats the stage.
    const intentRows = rows.llmCalls.filter((call) => call.stage === "intent");
    expect(intentRows).toHaveLength(harness.stages.callCount(marker, "intent"));
    expect(rows.run?.llm_call_count).toBe(rows.llmCallSums?.calls);
  });
});
