import { EventType } from "@ag-ui/core";
import type { Redis } from "ioredis";
import type { RunEvent } from "../../application/ports/run-event.js";
import type { RunEventStream, StoredRunEvent } from "../../application/ports/run-event-stream.js";
import { storableJsonText } from "../../domain/storable-text.js";
import { toAgUiEvent } from "./agui-event-mapper.js";
import type { BlockingConnectionPool } from "./blocking-connection-pool.js";
import { parseEventPosition } from "./event-position.js";
import { OpenEventTracker } from "./open-event-tracker.js";

const TERMINAL_TYPES = new Set<string>([EventType.RUN_FINISHED, EventType.RUN_ERROR]);
const READ_BATCH = 256;
/**
 * The lowest entry id Redis accepts: a run's first entry gets it, so its SSE id is known before
 * it is stored; later entries get time-based ids, which are always greater.
 */
const FIRST_ENTRY_ID = "0-1";

export interface RedisRunEventStreamOptions {
  /** Command connection (appends, range reads, expiry). */
  redis: Redis;
  /**
   * The connection a run's first event is written on: the queue's, so that it reaches Redis
   * before the job that follows it on the same socket. @defaultValue redis
   */
  firstEventRedis?: Redis;
  /** Connections for the blocking follow reads. */
  blockingPool: BlockingConnectionPool;
  keyPrefix: string;
  /** Approximate cap on entries per run stream (`XADD MAXLEN ~`). */
  maxLength: number;
  retentionSeconds: number;
  heartbeatMs: number;
}

/**
 * Run events on a Redis Stream per run (`{prefix}:run:{runId}:events`). One entry holds one
 * batch of AG-UI events (`d`: their JSON, one per line; `t`: "1" when the batch ends the run),
 * so a burst of tokens costs one command, not one per token. Each event's position is
 * `<entry id>:<index>`, which is what SSE `id:` carries and what `after` accepts.
 */
export class RedisRunEventStream implements RunEventStream {
  constructor(private readonly options: RedisRunEventStreamOptions) {}

  key(runId: string): string {
    return `${this.options.keyPrefix}:run:${runId}:events`;
  }

  async append(runId: string, events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { terminal, data } = encodeBatch(events);
    await this.options.redis.xadd(
      this.key(runId),
      "MAXLEN",
      "~",
      this.options.maxLength,
      "*",
      "t",
      terminal,
      "d",
      data,
    );
  }

  async appendFirst(runId: string, first: StoredRunEvent): Promise<void> {
    const terminal = first.terminal ? "1" : "0";
    const redis = this.options.firstEventRedis ?? this.options.redis;
    await redis.xadd(this.key(runId), FIRST_ENTRY_ID, "t", terminal, "d", first.data);
  }

  firstEvent(event: RunEvent): StoredRunEvent {
    const { terminal, data } = encodeBatch([event]);
    return { id: `${FIRST_ENTRY_ID}:0`, data, terminal: terminal === "1" };
  }

  async appendFinal(runId: string, events: readonly RunEvent[]): Promise<void> {
    const key = this.key(runId);
    const pipeline = this.options.redis.multi();
    if (events.length > 0) {
      const { terminal, data } = encodeBatch(events);
      pipeline.xadd(key, "MAXLEN", "~", this.options.maxLength, "*", "t", terminal, "d", data);
    }
    pipeline.expire(key, this.options.retentionSeconds);
    const results = await pipeline.exec();
    const failure = results?.find(([error]) => error);
    if (failure?.[0]) throw failure[0];
  }

  async *follow({
    runId,
    after,
    signal,
    onIdle,
  }: {
    runId: string;
    after?: string;
    signal: AbortSignal;
    onIdle?: () => void;
  }): AsyncIterable<StoredRunEvent[]> {
    const key = this.key(runId);
    const position = parseEventPosition(after);
    let cursor = position.entry;
    if (position.index !== undefined || cursor !== "0-0") {
      // Resuming inside an entry: the rest of that entry first. A reconnect after the terminal
      // event has nothing left to wait for (an EventSource would otherwise hold a connection
      // open forever).
      const [entry] = await this.options.redis.xrange(key, cursor, cursor);
      const stored = entry ? toStored(entry[0], entry[1]) : [];
      const rest = position.index === undefined ? [] : stored.slice(position.index + 1);
      if (rest.length > 0) yield rest;
      // The entry's last event is the rest's last one when anything was left.
      if (stored.at(-1)?.terminal) return;
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
        batch.push(...toStored(id, fields));
        cursor = id;
        if (batch.at(-1)?.terminal) break;
      }
      if (batch.length > 0) yield batch;
      if (batch.at(-1)?.terminal) return;
    }
  }

  async readAll(runId: string): Promise<StoredRunEvent[]> {
    const entries = await this.options.redis.xrange(this.key(runId), "-", "+");
    return entries.flatMap(([id, fields]) => toStored(id, fields));
  }

  async closeOpen(runId: string, stored: readonly StoredRunEvent[]): Promise<number> {
    const tracker = new OpenEventTracker();
    for (const event of stored) tracker.observe(event.data);
    const closing = tracker.closingEvents();
    await this.append(runId, closing);
    return closing.length;
  }
}

/** One entry's fields: the events' JSON, one per line, and whether the batch ends the run. */
function encodeBatch(events: readonly RunEvent[]): { terminal: "0" | "1"; data: string } {
  let data = "";
  let lastType = "";
  for (const runEvent of events) {
    const event = toAgUiEvent(runEvent);
    // The stream shows what history stores: the storable-text rule (domain/storable-text.ts).
    const json = storableJsonText(event);
    data += data ? `\n${json}` : json;
    lastType = event.type;
  }
  return { terminal: TERMINAL_TYPES.has(lastType) ? "1" : "0", data };
}

/** The events of one stream entry, each with its position `<entry id>:<index>`. */
function toStored(id: string, fields: string[]): StoredRunEvent[] {
  let terminal = false;
  let data = "";
  for (let index = 0; index < fields.length; index += 2) {
    if (fields[index] === "t") terminal = fields[index + 1] === "1";
    else if (fields[index] === "d") data = fields[index + 1] ?? "";
  }
  const lines = data.split("\n");
  return lines.map((line, index) => ({
    id: `${id}:${index}`,
    data: line,
    terminal: terminal && index === lines.length - 1,
  }));
}
