import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { useScriptedServices } from "../../support/scripted-services.js";
import { frameType, readRunFrames } from "../../support/sse-event-reader.js";

/*
 * Followers always end: when a run's Redis stream is lost (retention, a Redis restart without
 * persistence), a follower of a run that Postgres holds as ended still gets its terminal event,
 * and a position at or past the end of a finished run ends the stream at once.
 */

const harness = useScriptedServices();
let client: RunApiClient;
let redis: Redis;

beforeAll(() => {
  client = RunApiClient.forUser(harness.services.baseUrl, uniqueId("user"));
  redis = new Redis(
    (harness.services.environment as Record<string, string>).SOCIAL_REDIS__URL as string,
  );
  redis.on("error", () => {});
});
afterAll(() => redis?.disconnect());

/** Deletes every run event stream of this file's services (as a Redis restart would). */
async function loseRunStreams(): Promise<void> {
  const prefix = (harness.services.environment as Record<string, string>)
    .SOCIAL_REDIS__KEY_PREFIX as string;
  const keys = await redis.keys(`${prefix}:run:*`);
  if (keys.length > 0) await redis.del(...keys);
}

async function finishedRun(respond: Parameters<typeof harness.stages.script>[1]["respond"]) {
  const marker = uniqueId("rec");
  harness.stages.script(marker, { respond });
  const input = runInput({ text: `Answer ${marker}` });
  const { status } = await client.postRun(input);
  expect(status).toBe(202);
  return { runId: input.runId, run: await client.waitForRun(input.runId) };
}

async function eventsOf(runId: string, options: { after?: string } = {}) {
  const response = await client.openEvents(runId, {
    ...options,
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.status).toBe(200);
  return readRunFrames({ response });
}

describe("a follower of a run whose stream is gone", () => {
  it("gets RUN_FINISHED from the record of a run that succeeded", async () => {
    const { runId, run } = await finishedRun({ text: "done" });
    expect(run.status).toBe("succeeded");
    await loseRunStreams();
    const { frames, ended } = await eventsOf(runId);
    expect(ended).toBe(true);
    expect(frames.map(frameType)).toEqual(["RUN_FINISHED"]);
    expect(JSON.parse(frames[0]?.data ?? "{}")).toMatchObject({
      runId,
      outcome: { type: "success" },
    });
    // Reconnecting after it: past the end, nothing more, at once.
    const again = await eventsOf(runId, { after: frames[0]?.id as string });
    expect(again.frames).toEqual([]);
  });

  it("gets RUN_ERROR with the run's code from the record of a run that failed", async () => {
    const { runId, run } = await finishedRun({ status: 400, errorBody: { error: "no" } });
    expect(run.status).toBe("failed");
    await loseRunStreams();
    const { frames, ended } = await eventsOf(runId, { after: "0-1:0" });
    expect(ended).toBe(true);
    expect(frames.map(frameType)).toEqual(["RUN_ERROR"]);
    const recorded = run.error as { code: string; message: string };
    expect(recorded.code).toBe("LLM_PROVIDER_ERROR");
    expect(JSON.parse(frames[0]?.data ?? "{}")).toMatchObject(recorded);
  });

  it("still ends with the terminal event when the stream vanishes mid-run", async () => {
    const marker = uniqueId("mid");
    harness.stages.script(marker, {
      respond: { text: Array.from({ length: 20 }, (_, i) => `w${i} `), chunkDelayMs: 100 },
    });
    const response = await client.request("/runs", {
      body: runInput({ text: `Go on ${marker}` }),
      headers: { accept: "text/event-stream" },
    });
    let lost = false;
    const { frames, ended } = await readRunFrames({
      response,
      stopAt: (frame) => {
        if (!lost && frameType(frame) === "TEXT_MESSAGE_CONTENT") {
          lost = true;
          void loseRunStreams();
        }
        return false;
      },
    });
    expect(lost).toBe(true);
    expect(ended).toBe(true);
    expect(["RUN_FINISHED", "RUN_ERROR"]).toContain(frameType(frames.at(-1) as never));
  });
});

describe("a follower of a finished run", () => {
  it("ends at once when its position is at or past the end", async () => {
    const { runId } = await finishedRun({ text: "short" });
    const all = await eventsOf(runId);
    const last = all.frames.at(-1)?.id as string;
    const [milliseconds] = last.split("-");
    for (const after of [last, `${Number(milliseconds) + 60_000}-0`]) {
      const { frames } = await eventsOf(runId, { after });
      expect(frames, after).toEqual([]);
    }
  });
});
