import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunEvent } from "../../../../../../src/core/agent/application/ports/run-event.js";
import type { StoredRunEvent } from "../../../../../../src/core/agent/application/ports/run-event-stream.js";
import { RECORDED_ENDING_ENTRY } from "../../../../../../src/core/agent/infrastructure/agui/event-position.js";
import { RedisRunEventStream } from "../../../../../../src/core/agent/infrastructure/agui/redis-run-event-stream.js";
import { RunStreamHub } from "../../../../../../src/core/agent/infrastructure/agui/run-stream-hub.js";

/*
 * The follower side of the run event stream against a real Redis: the live hub, a follower
 * that falls behind, reconnects from any position while the run is written, and a stream that
 * is gone (the terminal event then comes from the record).
 */

const HEARTBEAT_MS = 100;
const prefix = `${inject("redisPrefix")}-follow-${randomBytes(4).toString("hex")}`;
let redis: Redis;
let hub: RunStreamHub;
let stream: RedisRunEventStream;
let runCount = 0;

beforeAll(() => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null, enableAutoPipelining: true });
  redis.on("error", () => {});
  hub = new RunStreamHub({
    command: redis,
    connect: () => {
      const connection = redis.duplicate({ enableAutoPipelining: false });
      connection.on("error", () => {});
      return connection;
    },
    readers: 2,
    followerBuffer: 8,
    batch: 256,
    blockMs: 1_000,
    onError: () => {},
  });
  stream = new RedisRunEventStream({
    redis,
    hub,
    keyPrefix: prefix,
    maxLength: 10_000,
    retentionSeconds: 60,
    heartbeatMs: HEARTBEAT_MS,
  });
});

afterAll(async () => {
  await hub.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

function newRun(): string {
  runCount += 1;
  return `run-${runCount}`;
}

const started = (runId: string): RunEvent => ({ type: "run-start", threadId: "t", runId });
const delta = (index: number): RunEvent => ({
  type: "text-delta",
  messageId: "m",
  delta: `d${index}`,
});
const finished = (runId: string): RunEvent => ({
  type: "run-finish",
  threadId: "t",
  runId,
  outcome: { type: "success" },
  usage: [],
});

/** Reads a follower to its end (or until `stopAfter` events), with its events and heartbeats. */
async function collect(
  events: AsyncIterable<StoredRunEvent[]>,
  { stopAfter = Number.POSITIVE_INFINITY, slowMs = 0 } = {},
): Promise<StoredRunEvent[]> {
  const seen: StoredRunEvent[] = [];
  for await (const batch of events) {
    seen.push(...batch);
    if (seen.length >= stopAfter) break;
    if (slowMs > 0) await sleep(slowMs);
  }
  return seen;
}

function types(events: readonly StoredRunEvent[]): string[] {
  return events.map((event) => (JSON.parse(event.data) as { type: string }).type);
}

describe("following a run's event stream", () => {
  it("gives every follower, from any position and however slow, exactly the rest of the run", async () => {
    const runId = newRun();
    await stream.appendFirst(runId, stream.firstEvent(started(runId)));
    const writer = (async () => {
      for (let index = 0; index < 150; index++) {
        await stream.append(runId, [delta(index), delta(index + 1000)]);
        if (index % 10 === 0) await sleep(5);
      }
      await stream.appendFinal(runId, [finished(runId)]);
    })();
    // Followers join while the run is written, from the start or from an event already seen;
    // the slow ones overflow their 8-event buffer and read on by themselves.
    const followers = Array.from({ length: 30 }, async (_, index) => {
      await sleep(index * 7);
      const so_far = await stream.readAll(runId);
      const from = so_far[Math.floor((so_far.length * (index % 5)) / 5)];
      const after = index % 3 === 0 ? undefined : from?.id;
      const received = await collect(
        stream.follow({ runId, ...(after ? { after } : {}), signal: new AbortController().signal }),
        { slowMs: index % 2 === 0 ? 3 : 0 },
      );
      return { after, received };
    });
    await writer;
    const all = await stream.readAll(runId);
    for (const { after, received } of await Promise.all(followers)) {
      const start = after ? all.findIndex((event) => event.id === after) + 1 : 0;
      expect(received.map((event) => event.id)).toEqual(all.slice(start).map((event) => event.id));
    }
    expect(all.at(-1)?.terminal).toBe(true);
    expect(hub.stats().overflows).toBeGreaterThan(0);
    expect(hub.stats()).toMatchObject({ followers: 0, streams: 0 });
  });

  it("lets followers that go away while waiting leave nothing behind", async () => {
    const runId = newRun();
    await stream.appendFirst(runId, stream.firstEvent(started(runId)));
    const connections = Array.from({ length: 500 }, () => new AbortController());
    const followers = connections.map((connection) =>
      collect(stream.follow({ runId, signal: connection.signal })),
    );
    await sleep(50);
    expect(hub.stats().followers).toBe(500);
    for (const connection of connections) connection.abort();
    const received = await Promise.all(followers);
    expect(received.every((events) => types(events).join() === "RUN_STARTED")).toBe(true);
    expect(hub.stats()).toMatchObject({ followers: 0, streams: 0 });
    expect(hub.stats().readers).toBeLessThanOrEqual(2);
  });

  it("ends a follower whose stream vanished with the terminal event the record holds", async () => {
    const runId = newRun();
    await stream.appendFirst(runId, stream.firstEvent(started(runId)));
    await stream.append(runId, [delta(1)]);
    let ended = false;
    let idles = 0;
    const follower = collect(
      stream.follow({
        runId,
        signal: new AbortController().signal,
        onIdle: () => {
          idles += 1;
        },
        recordedEnding: async () => (ended ? [finished(runId)] : undefined),
      }),
    );
    await sleep(50);
    await redis.del(stream.key(runId));
    // Not closed while the record says the run goes on: heartbeats, then the recorded ending.
    await sleep(HEARTBEAT_MS * 4);
    ended = true;
    const received = await follower;
    expect(types(received)).toEqual(["RUN_STARTED", "TEXT_MESSAGE_CONTENT", "RUN_FINISHED"]);
    expect(received.at(-1)).toMatchObject({ id: `${RECORDED_ENDING_ENTRY}:0`, terminal: true });
    expect(idles).toBeGreaterThan(0);
  });

  it("gives a follower of a run whose stream is gone its recorded ending at once", async () => {
    const runId = newRun();
    const error: RunEvent = { type: "run-error", code: "LLM_PROVIDER_ERROR", message: "down" };
    const received = await collect(
      stream.follow({
        runId,
        after: "0-1:0",
        signal: new AbortController().signal,
        recordedEnding: async () => [error],
      }),
    );
    expect(received.map((event) => JSON.parse(event.data))).toEqual([
      { type: "RUN_ERROR", code: "LLM_PROVIDER_ERROR", message: "down" },
    ]);
    // A reconnect after the recorded ending is past the end: nothing more.
    const again = await collect(
      stream.follow({
        runId,
        after: received.at(-1)?.id as string,
        signal: new AbortController().signal,
        recordedEnding: async () => [error],
      }),
    );
    expect(again).toEqual([]);
  });

  it("ends at once for a position at or past the end of a finished run", async () => {
    const runId = newRun();
    await stream.appendFirst(runId, stream.firstEvent(started(runId)));
    await stream.appendFinal(runId, [delta(1), finished(runId)]);
    const all = await stream.readAll(runId);
    const lastId = all.at(-1)?.id as string;
    const terminalEntry = lastId.split(":")[0] as string;
    const [ms] = terminalEntry.split("-");
    for (const after of [
      all.at(-1)?.id as string,
      terminalEntry,
      `${Number(ms) + 5000}-0`,
      `${ms}-99:3`,
    ]) {
      const received = await collect(
        stream.follow({ runId, after, signal: AbortSignal.timeout(5_000) }),
      );
      expect(received, after).toEqual([]);
    }
  });
});
