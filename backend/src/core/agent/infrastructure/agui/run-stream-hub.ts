import type { Redis } from "ioredis";
import { type DeliveredEntry, FollowerSubscription } from "./follower-subscription.js";
import { MultiplexedStreamReader, type ReadTopic } from "./multiplexed-stream-reader.js";
import { type StreamEntry, toStored } from "./stream-entries.js";

export interface RunStreamHubOptions {
  /** Opens one reader's connection (with its error listener); called at most `readers` times. */
  connect: (index: number) => Redis;
  /** The non-blocking command connection. */
  command: Redis;
  /** Reader connections, each following its share of the streams. */
  readers: number;
  /** Events a follower may have waiting before it reads on by itself. */
  followerBuffer: number;
  /** Entries per stream per read. */
  batch: number;
  blockMs: number;
  onError: (error: unknown) => void;
}

interface Topic extends ReadTopic {
  reader: MultiplexedStreamReader | undefined;
  followers: Set<FollowerSubscription>;
}

/**
 * The live side of every follower of this process: a fixed number of reader connections, each
 * following many run streams with one blocking read, hand each new entry to the followers of
 * its stream. Redis connections stay at `readers` however many followers come and go.
 */
export class RunStreamHub {
  private readonly readers: MultiplexedStreamReader[] = [];
  private readonly topics = new Map<string, Topic>();
  /** Followers that fell behind their buffer and read on by themselves, since start. */
  private overflows = 0;

  constructor(private readonly options: RunStreamHubOptions) {}

  /**
   * Live entries of `key` after the ones the hub has already read, from now on. Entries at or
   * before `cursor` may be delivered too: the follower skips what it has.
   */
  subscribe(key: string, cursor: string): FollowerSubscription {
    let topic = this.topics.get(key);
    if (!topic) {
      const reader = this.leastBusyReader();
      topic = { key, lastId: cursor, reader, followers: new Set() };
      this.topics.set(key, topic);
      reader.add(topic);
    }
    const subscription = new FollowerSubscription(key, this.options.followerBuffer);
    topic.followers.add(subscription);
    return subscription;
  }

  unsubscribe(subscription: FollowerSubscription): void {
    const topic = this.topics.get(subscription.key);
    if (!topic) return;
    topic.followers.delete(subscription);
    if (topic.followers.size === 0) this.drop(topic);
  }

  /** Followers and streams followed right now, reader connections, overflows so far. */
  stats(): { followers: number; streams: number; readers: number; overflows: number } {
    let followers = 0;
    for (const topic of this.topics.values()) followers += topic.followers.size;
    return {
      followers,
      streams: this.topics.size,
      readers: this.readers.length,
      overflows: this.overflows,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.readers.splice(0).map((reader) => reader.close()));
    this.topics.clear();
  }

  private deliver(readTopic: ReadTopic, entries: StreamEntry[]): void {
    const topic = readTopic as Topic;
    let ended = false;
    for (const [id, fields] of entries) {
      const entry: DeliveredEntry = { entry: id, events: toStored(id, fields) };
      for (const follower of topic.followers) {
        if (follower.deliver(entry)) continue;
        topic.followers.delete(follower);
        this.overflows += 1;
      }
      if (entry.events.at(-1)?.terminal) ended = true;
    }
    if (topic.followers.size === 0) this.drop(topic);
    else if (ended) {
      // Nothing follows a terminal entry: stop reading the stream, keep the followers.
      topic.reader?.remove(topic.key);
      topic.reader = undefined;
    }
  }

  private drop(topic: Topic): void {
    topic.reader?.remove(topic.key);
    this.topics.delete(topic.key);
  }

  private leastBusyReader(): MultiplexedStreamReader {
    if (this.readers.length < this.options.readers) {
      const reader = new MultiplexedStreamReader({
        connection: this.options.connect(this.readers.length),
        command: this.options.command,
        batch: this.options.batch,
        blockMs: this.options.blockMs,
        onEntries: (topic, entries) => this.deliver(topic, entries),
        onError: this.options.onError,
      });
      this.readers.push(reader);
      return reader;
    }
    let best = this.readers[0] as MultiplexedStreamReader;
    for (const reader of this.readers) if (reader.size < best.size) best = reader;
    return best;
  }
}
