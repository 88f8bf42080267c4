import type { RunEvent } from "./run-event.js";

/** One event as stored in a run's replay log; `id` is its position (the SSE `id:`). */
export interface StoredRunEvent {
  id: string;
  /** The AG-UI event, already serialised as the JSON the client receives. */
  data: string;
  /** True for RUN_FINISHED and RUN_ERROR: nothing follows in this run. */
  terminal: boolean;
}

/**
 * A run's event log (Redis Stream `run:{runId}:events`): the worker appends, any api replica
 * reads and replays from a position.
 */
export interface RunEventStream {
  append(runId: string, events: readonly RunEvent[]): Promise<void>;
  /**
   * A new run's first event (RUN_STARTED), stored at a position fixed in advance so the api can
   * send it, with its id, before it is stored. Fails if the run's stream already has events.
   */
  appendFirst(runId: string, event: RunEvent): Promise<void>;
  /** The first event as `appendFirst` stores it (its id and AG-UI JSON), for sending early. */
  firstEvent(event: RunEvent): StoredRunEvent;
  /**
   * Yields stored events after `after` (from the start when absent), in batches as they
   * arrive, until the terminal event; ends early when `signal` aborts. `onIdle` is called
   * whenever no event arrived for the heartbeat interval (the SSE writer sends `: ping`).
   */
  follow(input: {
    runId: string;
    after?: string;
    signal: AbortSignal;
    onIdle?: () => void;
  }): AsyncIterable<StoredRunEvent[]>;
  /** Every event stored so far, in order (recovery and tests). */
  readAll(runId: string): Promise<StoredRunEvent[]>;
  /**
   * After a crashed attempt: appends the END events for every text message, tool call and step
   * it left open, so the stream stays valid when the retry continues. Returns how many.
   */
  closeOpen(runId: string): Promise<number>;
  /** Keeps a finished run's log for the retention period, then lets Redis drop it. */
  expireAfterFinish(runId: string): Promise<void>;
  /** `append` and `expireAfterFinish` in one round trip: a run's last events. */
  appendFinal(runId: string, events: readonly RunEvent[]): Promise<void>;
}
