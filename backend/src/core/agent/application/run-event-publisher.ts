import type { RunEvent } from "./ports/run-event.js";
import type { RunEventStream } from "./ports/run-event-stream.js";

/**
 * Batches a run's events: `emit` is synchronous and cheap (the crew calls it per token), the
 * buffer goes out in one append per tick, appends never overlap (order is kept), and
 * `flush()` waits until everything emitted so far is stored. It also remembers what is open
 * (messages, tool calls, steps) so a run that stops early can close them before its terminal
 * event, as AG-UI requires.
 */
export class RunEventPublisher {
  private buffer: RunEvent[] = [];
  private tail: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failure: unknown;
  private readonly openMessages = new Set<string>();
  private readonly openToolCalls = new Set<string>();
  private readonly openSteps: string[] = [];

  constructor(
    private readonly stream: RunEventStream,
    private readonly runId: string,
  ) {}

  readonly emit = (event: RunEvent): void => {
    this.track(event);
    this.buffer.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush().catch(() => {});
      });
    }
  };

  /** Resolves once every event emitted so far is stored; rejects if an append failed. */
  flush(): Promise<void> {
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      this.tail = this.tail
        .then(() => this.stream.append(this.runId, batch))
        .catch((error: unknown) => {
          this.failure ??= error;
        });
    }
    return this.tail.then(() => {
      if (this.failure !== undefined) throw this.failure;
    });
  }

  /**
   * Stores everything still buffered together with the log's expiry, in one round trip: the
   * run's last write.
   */
  flushFinal(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.tail = this.tail
      .then(() => this.stream.appendFinal(this.runId, batch))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
    return this.tail.then(() => {
      if (this.failure !== undefined) throw this.failure;
    });
  }

  /** Emits the END events for whatever this attempt left open (innermost first). */
  closeOpen(): void {
    for (const messageId of [...this.openMessages]) this.emit({ type: "text-end", messageId });
    for (const toolCallId of [...this.openToolCalls])
      this.emit({ type: "tool-call-end", toolCallId });
    for (const stage of [...this.openSteps].reverse()) this.emit({ type: "stage-end", stage });
  }

  private track(event: RunEvent): void {
    switch (event.type) {
      case "text-start":
        this.openMessages.add(event.messageId);
        break;
      case "text-end":
        this.openMessages.delete(event.messageId);
        break;
      case "tool-call-start":
        this.openToolCalls.add(event.toolCallId);
        break;
      case "tool-call-end":
        this.openToolCalls.delete(event.toolCallId);
        break;
      case "stage-start":
        this.openSteps.push(event.stage);
        break;
      case "stage-end": {
        const index = this.openSteps.lastIndexOf(event.stage);
        if (index >= 0) this.openSteps.splice(index, 1);
        break;
      }
      default:
        break;
    }
  }
}
