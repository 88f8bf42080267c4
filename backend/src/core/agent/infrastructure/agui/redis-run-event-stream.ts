import { EventType } from "@ag-ui/core";
import type { Redis } from "ioredis";
import type { RunEvent } from "../../application/ports/run-event.js";
import type { RunEventStream, StoredRunEvent } from "../../application/ports/run-event-stream.js";
import { toAgUiEvent } from "./agui-event-mapper.js";
import type { BlockingConnectionPool } from "./blocking-connection-pool.js";
import { OpenEventTracker } from "./open-event-tracker.js";

const TERMINAL_TYPES = new Set<string>([EventType.RUN_FINISHED, EventType.RUN_ERROR]);
const READ_BATCH = 512;

export interface RedisRunEventStreamOptions {
  /** Command connection (appends, range reads, expiry). */
  redis: Redis;
  /** Connections for the blocking follow reads. */
  blockingPool: BlockingConnectionPool;
  keyPrefix: string;
  /** Approximate cap on entries per run stream (`XADD MAXLEN ~`). */
  maxLength: number;
  retentionSeconds: number;
  heartbeatMs: number;
}

/**
 * Run events on a Redis Stream per run (`{prefix}:run:{runId}:events`). Each entry holds the
 * AG-UI event type (`t`) and its JSON (`d`), so readers forward frames without re-parsing.
 */
export class RedisRunEventStream implements RunEventStream {
  constructor(private readonly options: RedisRunEventStreamOptions) {}

  key(runId: string): string {
    return `${this.options.keyPrefix}:run:${runId}:events`;
  }

  async append(runId: string, events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    const key = this.key(runId);
    const { maxLength } = this.options;
    if (events.length === 1) {
      const event = toAgUiEvent(events[0] as RunEvent);
      await this.options.redis.xadd(
        key,
        "MAXLEN",
        "~",
        maxLength,
        "*",
        "t",
        event.type,
        "d",
        JSON.stringify(event),
      );
      return;
    }
    // One round trip for the whole batch; a pipeline keeps the order.
    const pipeline = this.options.redis.pipeline();
    for (const runEvent of events) {
      const event = toAgUiEvent(runEvent);
      pipeline.xadd(
        key,
        "MAXLEN",
        "~",
        maxLength,
        "*",
        "t",
        event.type,
        "d",
        JSON.stringify(event),
      );
    }
    const results = await pipeline.exec();
    const failure = results?.find(([error]) => error);
    if (failure?.[0]) throw failure[0];
  }

  async *follow({
    runId,
    after = "0-0",
    signal,
    onIdle,
  }: {
    runId: string;
    after?: string;
    signal: AbortSignal;
    onIdle?: () => void;
  }): AsyncIterable<StoredRunEvent[]> {
    const key = this.key(runId);
    let cursor = after;
    // A reconnect after the terminal event has nothing left to wait for (an EventSource would
    // otherwise hold a connection open forever).
    if (after !== "0-0") {
      const [entry] = await this.options.redis.xrange(key, after, after);
      if (entry && toStored(entry[0], entry[1]).terminal) return;
    }
    while (!signal.aborted) {
      const connection = await this.options.blockingPool.acquire();
      const abandon = () => this.options.blockingPool.discard(connection);
      signal.addEventListener("abort", abandon, { once: true });
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await connection.xread(
          "COUNT",
          READ_BATCH,
          "BLOCK",
          this.options.heartbeatMs,
          "STREAMS",
          key,
          cursor,
        )) as [string, [string, string[]][]][] | null;
      } catch (error) {
        if (signal.aborted) return;
        this.options.blockingPool.discard(connection);
        throw error;
      } finally {
        signal.removeEventListener("abort", abandon);
      }
      if (signal.aborted) return;
      this.options.blockingPool.release(connection);
      if (!reply) {
        // Admission creates the stream with RUN_STARTED, so a missing key means its retention
        // ran out (or the run never existed): there is nothing left to wait for.
        if ((await this.options.redis.exists(key)) === 0) return;
        onIdle?.();
        continue;
      }
      const batch: StoredRunEvent[] = [];
      for (const [id, fields] of reply[0]?.[1] ?? []) {
        const stored = toStored(id, fields);
        batch.push(stored);
        cursor = id;
        if (stored.terminal) break;
      }
      yield batch;
      if (batch.at(-1)?.terminal) return;
    }
  }

  async readAll(runId: string): Promise<StoredRunEvent[]> {
    const entries = await this.options.redis.xrange(this.key(runId), "-", "+");
    return entries.map(([id, fields]) => toStored(id, fields));
  }

  async closeOpen(runId: string): Promise<number> {
    const tracker = new OpenEventTracker();
    for (const event of await this.readAll(runId)) tracker.observe(event.data);
    const closing = tracker.closingEvents();
    await this.append(runId, closing);
    return closing.length;
  }

  async expireAfterFinish(runId: string): Promise<void> {
    await this.options.redis.expire(this.key(runId), this.options.retentionSeconds);
  }
}

function toStored(id: string, fields: string[]): StoredRunEvent {
  let type = "";
  let data = "";
  for (let index = 0; index < fields.length; index += 2) {
    if (fields[index] === "t") type = fields[index + 1] ?? "";
    else if (fields[index] === "d") data = fields[index + 1] ?? "";
  }
  return { id, data, terminal: TERMINAL_TYPES.has(type) };
}
