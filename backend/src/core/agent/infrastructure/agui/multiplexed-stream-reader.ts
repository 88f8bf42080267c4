import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { StreamEntry } from "./stream-entries.js";

/** A stream the reader follows: its key and the id of the last entry read from it. */
export interface ReadTopic {
  key: string;
  lastId: string;
}

export interface MultiplexedStreamReaderOptions {
  /** This reader's own connection: it spends its time blocked in `XREAD`. */
  connection: Redis;
  /** A connection that never blocks, for `CLIENT UNBLOCK`. */
  command: Redis;
  /** Entries per stream per read. */
  batch: number;
  blockMs: number;
  onEntries: (topic: ReadTopic, entries: StreamEntry[]) => void;
  onError: (error: unknown) => void;
}

const RETRY_MS = 250;

/**
 * One connection, one blocking `XREAD` over every stream it follows. A stream added while the
 * read is blocked gets the read re-issued at once (`CLIENT UNBLOCK`); a removed one is dropped
 * from the next read.
 */
export class MultiplexedStreamReader {
  private readonly topics = new Map<string, ReadTopic>();
  private clientId: number | undefined;
  private inFlight = false;
  /** Bumped whenever a stream is added; the read in flight covers `readGeneration`. */
  private generation = 0;
  private readGeneration = 0;
  private unblocking = false;
  private idleWake: (() => void) | undefined;
  private closed = false;
  /** During an outage the first failed read is reported, not every retry. */
  private failing = false;
  private readonly done: Promise<void>;

  constructor(private readonly options: MultiplexedStreamReaderOptions) {
    options.connection.on("close", () => {
      this.clientId = undefined;
    });
    this.done = this.loop();
  }

  get size(): number {
    return this.topics.size;
  }

  add(topic: ReadTopic): void {
    this.topics.set(topic.key, topic);
    this.generation += 1;
    this.idleWake?.();
    this.interrupt();
  }

  remove(key: string): void {
    this.topics.delete(key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idleWake?.();
    this.options.connection.disconnect();
    await this.done;
  }

  private async loop(): Promise<void> {
    const { connection, batch, blockMs } = this.options;
    while (!this.closed) {
      if (this.topics.size === 0) {
        await new Promise<void>((resolve) => {
          this.idleWake = resolve;
        });
        this.idleWake = undefined;
        continue;
      }
      let reply: [string, StreamEntry[]][] | null;
      try {
        this.clientId ??= (await connection.client("ID")) as number;
        // Streams may have been dropped while the id was asked for.
        if (this.topics.size === 0) continue;
        const keys: string[] = [];
        const ids: string[] = [];
        for (const topic of this.topics.values()) {
          keys.push(topic.key);
          ids.push(topic.lastId);
        }
        this.readGeneration = this.generation;
        this.inFlight = true;
        reply = (await connection.xread(
          "COUNT",
          batch,
          "BLOCK",
          blockMs,
          "STREAMS",
          ...keys,
          ...ids,
        )) as [string, StreamEntry[]][] | null;
      } catch (error) {
        if (this.closed) return;
        if (!this.failing) this.options.onError(error);
        this.failing = true;
        await sleep(RETRY_MS);
        continue;
      } finally {
        this.inFlight = false;
      }
      this.failing = false;
      for (const [key, entries] of reply ?? []) {
        const topic = this.topics.get(key);
        const last = entries.at(-1);
        if (!topic || !last) continue;
        topic.lastId = last[0];
        this.options.onEntries(topic, entries);
      }
    }
  }

  /** Ends the blocked read early so the next one covers the streams added since. */
  private interrupt(): void {
    if (!this.inFlight || this.unblocking || this.clientId === undefined) return;
    if (this.readGeneration === this.generation) return;
    this.unblocking = true;
    this.options.command.client("UNBLOCK", this.clientId).then(
      (unblocked) => {
        this.unblocking = false;
        // Not blocked yet (the XREAD is still on its way): try again in a moment.
        if (unblocked === 0) setTimeout(() => this.interrupt(), 1);
      },
      (error: unknown) => {
        this.unblocking = false;
        this.options.onError(error);
      },
    );
  }
}
