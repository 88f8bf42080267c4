import type { RunEvent } from "./run-event.js";

/** One event as stored in a run's replay log; `id` is its position (the SSE `id:`). */
export interface StoredRunEvent {
  id: string;
  /** The AG-UI event, already serialised as the JSON the client receives. */
  data: string;
  /** True for RUN_FINISHED and RUN_ERROR: nothing follows in this run. */
  terminal: boolean;
}

/** What `RunEventStream.follow` reads: a run, from where, until when. */
export interface FollowInput {
  runId: string;
  /** The position of the last event the follower has (SSE `Last-Event-ID` / `after`). */
  after?: string;
  signal: AbortSignal;
  onIdle?: () => void;
  /**
   * The run's terminal events as its record (Postgres) has them, or undefined while the record
   * says the run has not ended: what a follower gets when the run's stream is gone.
   */
  recordedEnding?: () => Promise<readonly RunEvent[] | undefined>;
}

/**
 * A run's event log (Redis Stream `run:{runId}:events`): the worker appends, any api replica
 * reads and replays from a position.
 */
export interface RunEventStream {
  append(runId: string, events: readonly RunEvent[]): Promise<void>;
  /**
   * A new run's first event (RUN_STARTED), as `firstEvent` encoded it, stored at the position
   * fixed in advance so the api can send it, with its id, before it is stored. Fails if the
   * run's stream already has events.
   */
  appendFirst(runId: string, first: StoredRunEvent): Promise<void>;
  /** The first event as `appendFirst` stores it (its id and AG-UI JSON), for sending early. */
  firstEvent(event: RunEvent): StoredRunEvent;
  /**
   * Yields stored events after `after` (from the start when absent), in batches as they
   * arrive, until the terminal event; ends early when `signal` aborts. `onIdle` is called
   * whenever no event arrived for the heartbeat interval (the SSE writer sends `: ping`).
   * When the stream is gone, the follower still ends with a terminal event: `recordedEnding`'s
   * once the record says the run ended (until then it waits); a position past the end of a
   * finished run ends at once.
   */
  follow(input: FollowInput): AsyncIterable<StoredRunEvent[]>;
  /** Every event stored so far, in order (recovery and tests). */
  readAll(runId: string): Promise<StoredRunEvent[]>;
  /**
   * After a crashed attempt: appends the END events for every text message, tool call and step
   * it left open in `stored` (the run's events, as `readAll` returned them), so the stream
   * stays valid when the retry continues. Returns how many.
   */
  closeOpen(runId: string, stored: readonly StoredRunEvent[]): Promise<number>;
  /**
   * A run's last events, appended with the log's expiry in one round trip: Redis keeps a
   * finished run's log for the retention period, then drops it.
   */
  appendFinal(runId: string, events: readonly RunEvent[]): Promise<void>;
}
