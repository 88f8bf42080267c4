import type { StoredRunEvent } from "../../application/ports/run-event-stream.js";

/** One stream entry's events, as the hub hands them to a follower. */
export interface DeliveredEntry {
  entry: string;
  events: StoredRunEvent[];
}

/** What a follower's wait ends with. */
export type FollowerWake =
  | { type: "entries"; entries: DeliveredEntry[] }
  /** The buffer would have exceeded its bound: read on from your own position. */
  | { type: "overflowed" }
  /** Nothing arrived for the idle interval. */
  | { type: "idle" }
  | { type: "aborted" };

/**
 * A follower's bounded buffer of live entries from the hub. A follower that does not keep up
 * is not buffered without bound: the buffer is dropped and the follower reads on from its last
 * position on its own (`overflowed`), then subscribes again.
 */
export class FollowerSubscription {
  private entries: DeliveredEntry[] = [];
  private buffered = 0;
  private overflowed = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly key: string,
    private readonly capacity: number,
  ) {}

  /** Called by the hub; false when the follower overflowed and should no longer be fed. */
  deliver(entry: DeliveredEntry): boolean {
    if (this.overflowed) return false;
    if (this.buffered > 0 && this.buffered + entry.events.length > this.capacity) {
      this.overflowed = true;
      this.entries = [];
      this.buffered = 0;
    } else {
      this.entries.push(entry);
      this.buffered += entry.events.length;
    }
    this.wake?.();
    return !this.overflowed;
  }

  /** Waits for entries, an overflow, `idleMs` without anything, or `signal`. */
  async next(idleMs: number, signal: AbortSignal): Promise<FollowerWake> {
    const ready = this.take();
    if (ready) return ready;
    if (signal.aborted) return { type: "aborted" };
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        onAbort = resolve;
        timer = setTimeout(resolve, idleMs);
        signal.addEventListener("abort", onAbort, { once: true });
      });
      if (signal.aborted) return { type: "aborted" };
      return this.take() ?? { type: "idle" };
    } finally {
      this.wake = undefined;
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  private take(): FollowerWake | undefined {
    if (this.overflowed) return { type: "overflowed" };
    if (this.entries.length === 0) return undefined;
    const entries = this.entries;
    this.entries = [];
    this.buffered = 0;
    return { type: "entries", entries };
  }
}
