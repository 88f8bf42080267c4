import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { authHeaders } from "../../support/jwt.js";
import {
  connectionsNamed,
  type OwnRedisServer,
  startOwnRedisServer,
} from "../../support/own-redis-server.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../support/scripted-stages.js";
import { type Services, startServices } from "../../support/service-processes.js";
import { frameType, readRunFrames } from "../../support/sse-event-reader.js";
import { scriptedDeepseek, testEnvironment } from "../../support/test-settings.js";

/*
 * The api follows run streams through a fixed number of reader connections: however many
 * followers come and how they leave (before anything arrived, while waiting for the next event,
 * mid-message, after the end), its Redis connections stay at their constant and new runs still
 * stream. Counted with CLIENT LIST on a redis-server of the test's own.
 */

const READERS = 2;
/** Followers per state; four states. */
const FOLLOWERS = 750;
/** Followers open at a time (the test process's sockets, not the api, set this bound). */
const WAVE = 250;
const CONNECTION_NAME = "fanout-test";

let redis: OwnRedisServer;
let llm: ScriptedOpenAiServer;
let stages: ScriptedStages;
let services: Services;
let client: RunApiClient;

beforeAll(async () => {
  redis = await startOwnRedisServer();
  llm = await startScriptedOpenAiServer();
  stages = new ScriptedStages(llm);
  services = await startServices(
    testEnvironment({
      ...scriptedDeepseek(llm.baseUrl),
      SOCIAL_REDIS__URL: redis.url,
      SOCIAL_REDIS__CONNECTION_NAME: CONNECTION_NAME,
      SOCIAL_EVENTS__READER_CONNECTIONS: String(READERS),
      SOCIAL_HTTP__REQUEST_TIMEOUT_MS: "600000",
    }),
  );
  // One token for thousands of requests: signing one per request would dominate the test.
  const headers = await authHeaders(uniqueId("user"));
  client = new RunApiClient(services.baseUrl, async () => headers);
}, 60_000);

afterAll(async () => {
  await services?.stop();
  await llm?.close();
  await redis?.stop();
});

function apiConnections(): Promise<number> {
  return connectionsNamed(redis.probe, `${CONNECTION_NAME}:${services.api.child.pid}:`);
}

/** A run whose answer takes `chunks` × `chunkDelayMs`; its events are followed separately. */
async function startRun(chunks: number, chunkDelayMs: number): Promise<string> {
  const marker = uniqueId("fan");
  stages.script(marker, {
    respond: { text: Array.from({ length: chunks }, (_, index) => `p${index} `), chunkDelayMs },
  });
  const input = runInput({ text: `Tell me a story ${marker}` });
  const { status } = await client.postRun(input);
  expect(status).toBe(202);
  return input.runId;
}

/** Runs `count` followers, `WAVE` at a time, each doing `follow`. */
async function inWaves(count: number, follow: (index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += WAVE) {
    const wave = Array.from({ length: Math.min(WAVE, count - start) }, (_, i) => follow(start + i));
    await Promise.all(wave);
  }
}

/** A run that streams to its terminal event over the POST's own response. */
async function streamedRun(): Promise<string[]> {
  const marker = uniqueId("new");
  stages.script(marker, { respond: { text: ["fresh ", "answer"] } });
  const response = await client.request("/runs", {
    body: runInput({ text: `Say something ${marker}` }),
    headers: { accept: "text/event-stream" },
  });
  const { frames, ended } = await readRunFrames({ response });
  expect(ended).toBe(true);
  return frames.map(frameType);
}

describe("live followers of one api process", () => {
  it("leave its Redis connections at their constant however they go, and new runs stream", async () => {
    await streamedRun();
    // The command and queue connections and the readers (opened as streams need them).
    const constant = 2 + READERS;
    expect(await apiConnections()).toBeLessThanOrEqual(constant);
    let peak = 0;
    const sampler = setInterval(() => {
      void apiConnections().then((count) => {
        peak = Math.max(peak, count);
      });
    }, 100);
    try {
      const slow = await startRun(40, 150);

      // Gone before anything arrived: the request is dropped as soon as its headers are in.
      await inWaves(FOLLOWERS, async () => {
        const connection = new AbortController();
        await client.openEvents(slow, { signal: connection.signal });
        connection.abort();
      });

      // Gone while waiting for the next live event: after the catch-up's first frame.
      await inWaves(FOLLOWERS, async () => {
        const connection = new AbortController();
        const response = await client.openEvents(slow, { signal: connection.signal });
        await readRunFrames({ response, limit: 1, abort: connection });
      });

      // Gone mid-message: after a live text delta.
      await inWaves(FOLLOWERS, async () => {
        const connection = new AbortController();
        const response = await client.openEvents(slow, { signal: connection.signal });
        const { frames } = await readRunFrames({
          response,
          stopAt: (frame) => frameType(frame) === "TEXT_MESSAGE_CONTENT",
          abort: connection,
        });
        expect(frames.map(frameType)).toContain("TEXT_MESSAGE_CONTENT");
      });

      await client.waitForRun(slow, undefined, 60_000);

      // Gone after the end: every event read, the terminal one last.
      await inWaves(FOLLOWERS, async () => {
        const { ended } = await readRunFrames({ response: await client.openEvents(slow) });
        expect(ended).toBe(true);
      });
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(constant);

    const types = await Promise.all(Array.from({ length: 20 }, () => streamedRun()));
    for (const run of types) {
      expect(run[0]).toBe("RUN_STARTED");
      expect(run).toContain("TEXT_MESSAGE_CONTENT");
      expect(run.at(-1)).toBe("RUN_FINISHED");
    }
    expect(await apiConnections()).toBeLessThanOrEqual(constant);
  }, 300_000);
});
