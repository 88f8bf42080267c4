import type { Redis } from "ioredis";
import type { CancelSignals } from "../../application/ports/cancel-signals.js";
import { CancelledError } from "../../domain/errors.js";

/**
 * Cancel requests over Redis pub/sub on one channel (`{prefix}:cancel`, message = runId).
 * The worker subscribes once and aborts the matching in-flight runs. A missed message is
 * covered by the `cancel_requested_at` column the worker reads before each run.
 */
export class RedisCancelSignals implements CancelSignals {
  private readonly channel: string;
  private readonly watchers = new Map<string, Set<AbortController>>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.channel = `${keyPrefix}:cancel`;
  }

  async raise(runId: string): Promise<void> {
    await this.redis.publish(this.channel, runId);
  }

  /** Starts listening; call once in processes that execute runs. */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on("message", (channel: string, runId: string) => {
      if (channel !== this.channel) return;
      for (const controller of this.watchers.get(runId) ?? []) {
        controller.abort(new CancelledError({ message: "The run was cancelled" }));
      }
    });
    await this.subscriber.subscribe(this.channel);
  }

  watch(runId: string): { signal: AbortSignal; stop(): void } {
    const controller = new AbortController();
    const set = this.watchers.get(runId) ?? new Set<AbortController>();
    this.watchers.set(runId, set);
    set.add(controller);
    return {
      signal: controller.signal,
      stop: () => {
        set.delete(controller);
        if (set.size === 0) this.watchers.delete(runId);
      },
    };
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => {});
    this.subscriber = undefined;
  }
}
