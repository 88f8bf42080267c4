import { afterAll, describe, expect, it } from "vitest";
import { parseAgUiFrames, verifyAgUiEvents } from "../../support/agui-stream-checks.js";
import { uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { readRunRows } from "../../support/run-rows.js";
import { useScriptedServices } from "../../support/scripted-services.js";
import type { ServiceProcess } from "../../support/service-processes.js";
import { frameType, readRunFrames } from "../../support/sse-event-reader.js";

const FINAL_CHUNKS = ["Finished ", "by the ", "next worker."];

const harness = useScriptedServices();
const extraWorkers: ServiceProcess[] = [];

afterAll(async () => {
  await Promise.all(extraWorkers.map((extra) => extra.stop()));
});

describe("a worker stopped with SIGTERM in the middle of a run", () => {
  it("hands the run back after the grace period and exits; another worker finishes it", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("shutdown");
    // The first answer hangs after two chunks, longer than the grace period; later ones finish.
    harness.stages.script(marker, {
      respond: (call) =>
        call === 1
          ? { text: ["Started ", "but ", "never"], hangAfterChunks: 2 }
          : { text: FINAL_CHUNKS },
    });
    const client = RunApiClient.forUser(harness.services.baseUrl, userId);
    const input = runInput({ text: `Stop gracefully ${marker}` });
    expect((await client.postRun(input)).status).toBe(202);
    const connection = new AbortController();
    await readRunFrames({
      response: await client.openEvents(input.runId, { signal: connection.signal }),
      stopAt: (frame) => frameType(frame) === "TEXT_MESSAGE_CONTENT",
      abort: connection,
    });

    const stopping = harness.services.worker;
    await stopping.stop();
    expect(stopping.child.exitCode).toBe(0);
    const handedBack = await client.getJson(`/runs/${input.runId}`);
    expect(handedBack.json).toMatchObject({ status: "running" });

    const next = await harness.services.startWorker();
    extraWorkers.push(next);
    const run = await client.waitForRun(input.runId, ["succeeded", "failed", "cancelled"], 30_000);
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(harness.stages.callCount(marker, "respond")).toBe(2);

    const rows = await readRunRows(harness.database, {
      sessionId: input.threadId,
      runId: input.runId,
    });
    expect(rows.messages.map((message) => [message.seq, message.role, message.content])).toEqual([
      [1, "user", input.messages[0]?.content],
      [2, "assistant", FINAL_CHUNKS.join("")],
    ]);
    const replay = await readRunFrames({ response: await client.openEvents(input.runId) });
    const events = parseAgUiFrames(replay.frames);
    await verifyAgUiEvents(events);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
  });
});
