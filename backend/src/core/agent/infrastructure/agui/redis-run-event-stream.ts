import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { RunEvent } from "../../application/ports/run-event.js";
import type {
  FollowInput,
  RunEventStream,
  StoredRunEvent,
} from "../../application/ports/run-event-stream.js";
import { parseEventPosition, RECORDED_ENDING_ENTRY } from "./event-position.js";
import type { FollowerSubscription } from "./follower-subscription.js";
import { OpenEventTracker } from "./open-event-tracker.js";
import type { RunStreamHub } from "./run-stream-hub.js";
import { compareEntryIds, encodeBatch, type StreamEntry, toStored } from "./stream-entries.js";

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
  /** The live reads of followers, shared by all of them. */
  hub: RunStreamHub;
  keyPrefix: string;
  /** Approximate cap on entries per run stream (`XADD MAXLEN ~`). */
  maxLength: number;
  retentionSeconds: number;
  heartbeatMs: number;
}

/** Where a follower stands once it has read everything stored after its position. */
type StreamEnd = "open" | "ended" | "missing";

/**
 * Run events on a Redis Stream per run (`{prefix}:run:{runId}:events`). One entry holds one
 * batch of AG-UI events (`d`: their JSON, one per line; `t`: "1" when the batch ends the run),
 * so a burst of tokens costs one command, not one per token. Each event's position is
 * `<entry id>:<index>`, which is what SSE `id:` carries and what `after` accepts.
 *
 * Followers read what is already stored with range reads on the command connection and then
 * take live entries from the hub, so a follower never holds a connection of its own.
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

  async *follow(input: FollowInput): AsyncIterable<StoredRunEvent[]> {
    const { runId, after, signal } = input;
    const key = this.key(runId);
    const position = parseEventPosition(after);
    if (position.entry === RECORDED_ENDING_ENTRY) {
      // Inside the ending made from the record: its rest, then nothing.
      if (position.index === undefined || !input.recordedEnding) return;
      const ending = await input.recordedEnding();
      const rest = ending ? recordedEndingEvents(ending).slice(position.index + 1) : [];
      if (rest.length > 0) yield rest;
      return;
    }
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
    // Subscribed before the range reads: whatever the hub reads from now on reaches the
    // buffer, and the range reads cover everything stored before, so nothing falls between.
    let subscription = this.options.hub.subscribe(key, cursor);
    try {
      let endChecked = false;
      while (!signal.aborted) {
        const entries = (await this.options.redis.xrange(
          key,
          `(${cursor}`,
          "+",
          "COUNT",
          READ_BATCH,
        )) as StreamEntry[];
        if (entries.length > 0) {
          const batch = entries.flatMap(([id, fields]) => toStored(id, fields));
          cursor = (entries.at(-1) as StreamEntry)[0];
          yield batch;
          if (batch.at(-1)?.terminal) return;
          if (entries.length === READ_BATCH) continue;
        } else if (!endChecked) {
          endChecked = true;
          const end = await this.streamEnd(key, cursor);
          if (end === "ended") return;
          if (end === "missing") {
            if (yield* this.awaitRecordedEnding(input)) return;
            continue;
          }
        }
        // Live: entries from the hub until the end, an overflow or a vanished stream.
        for (;;) {
          const wake = await subscription.next(this.options.heartbeatMs, signal);
          if (wake.type === "aborted") return;
          if (wake.type === "overflowed") {
            subscription = this.resubscribe(subscription, cursor);
            break;
          }
          if (wake.type === "idle") {
            if ((await this.options.redis.exists(key)) === 0) {
              if (yield* this.awaitRecordedEnding(input)) return;
              break;
            }
            input.onIdle?.();
            continue;
          }
          const batch: StoredRunEvent[] = [];
          for (const { entry, events } of wake.entries) {
            if (compareEntryIds(entry, cursor) <= 0) continue;
            batch.push(...events);
            cursor = entry;
          }
          if (batch.length === 0) continue;
          yield batch;
          if (batch.at(-1)?.terminal) return;
        }
      }
    } finally {
      this.options.hub.unsubscribe(subscription);
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

  private resubscribe(subscription: FollowerSubscription, cursor: string): FollowerSubscription {
    this.options.hub.unsubscribe(subscription);
    return this.options.hub.subscribe(subscription.key, cursor);
  }

  /** After the range reads found nothing: is the stream gone, ended at the cursor, or open? */
  private async streamEnd(key: string, cursor: string): Promise<StreamEnd> {
    const [last] = (await this.options.redis.xrevrange(key, "+", "-", "COUNT", 1)) as StreamEntry[];
    if (!last) return "missing";
    const ended = toStored(last[0], last[1]).at(-1)?.terminal ?? false;
    return ended && compareEntryIds(last[0], cursor) <= 0 ? "ended" : "open";
  }

  /**
   * The run's stream is gone (retention, a Redis restart): a run the record holds as ended
   * gets its terminal events from the record; otherwise wait (with heartbeats) until the
   * record ends it or the stream is back. True when the follower is done.
   */
  private async *awaitRecordedEnding(
    input: FollowInput,
  ): AsyncGenerator<StoredRunEvent[], boolean> {
    const { signal, recordedEnding } = input;
    if (!recordedEnding) return true;
    const key = this.key(input.runId);
    while (!signal.aborted) {
      // Postgres unreachable is no reason to close the follower without its terminal event:
      // ask again at the next heartbeat.
      const ending = await recordedEnding().catch(() => undefined);
      if (ending) {
        yield recordedEndingEvents(ending);
        return true;
      }
      await sleep(this.options.heartbeatMs, undefined, { signal }).catch(() => {});
      if (signal.aborted) break;
      if ((await this.options.redis.exists(key)) === 1) return false;
      input.onIdle?.();
    }
    return true;
  }
}

/** Terminal events made from the record, at the position past the end of any stream. */
function recordedEndingEvents(events: readonly RunEvent[]): StoredRunEvent[] {
  return events.map((event, index) => {
    const { terminal, data } = encodeBatch([event]);
    return {
      id: `${RECORDED_ENDING_ENTRY}:${index}`,
      data,
      terminal: terminal === "1" && index === events.length - 1,
    };
  });
}
