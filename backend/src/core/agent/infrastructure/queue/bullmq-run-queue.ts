import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { currentTraceCarrier } from "../../../../core/observability/trace-spans.js";
import type { RunJob, RunQueue } from "../../application/ports/run-job.js";
import { parseRunJob } from "./job-catalog.js";

export interface QueueSettings {
  name: string;
  attempts: number;
  backoff_ms: number;
}

/** BullMQ producer: `jobId = runId`, so a replayed enqueue never creates a second job. */
export class BullmqRunQueue implements RunQueue {
  readonly queue: Queue;

  constructor({
    connection,
    prefix,
    settings,
  }: {
    connection: Redis;
    prefix: string;
    settings: QueueSettings;
  }) {
    this.queue = new Queue(settings.name, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: settings.attempts,
        backoff: { type: "exponential", delay: settings.backoff_ms },
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
  }

  /** The job carries the active trace context (the api request's), when tracing is on. */
  async enqueue(job: RunJob): Promise<void> {
    const traceContext = job.traceContext ?? currentTraceCarrier();
    const data = traceContext ? { ...job, traceContext } : job;
    await this.queue.add(job.kind, parseRunJob(data), { jobId: job.runId });
  }

  /** Jobs waiting or delayed (the queue-depth metric). */
  async depth(): Promise<number> {
    return this.queue.count();
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
