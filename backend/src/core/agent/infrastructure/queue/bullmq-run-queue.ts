import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { currentTraceCarrier } from "../../../../core/observability/trace-spans.js";
import { serviceUnavailable } from "../../application/dependency-outage.js";
import type {
  JobPresence,
  RunJob,
  RunJobControl,
  RunQueue,
} from "../../application/ports/run-job.js";
import { parseRunJob } from "./job-catalog.js";

export interface QueueSettings {
  name: string;
  attempts: number;
  backoff_ms: number;
}

/** BullMQ producer: `jobId = runId`, so a replayed enqueue never creates a second job. */
export class BullmqRunQueue implements RunQueue, RunJobControl {
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
    this.connection = connection;
    if (connection.status === "ready") this.wasReady = true;
    else connection.once("ready", () => (this.wasReady = true));
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

  private readonly connection: Redis;
  /** The connection was up once: later, not being ready means Redis went away. */
  private wasReady = false;

  /** The job carries the active trace context (the api request's), when tracing is on. */
  async enqueue(job: RunJob): Promise<void> {
    const traceContext = job.traceContext ?? currentTraceCarrier();
    const data = traceContext ? { ...job, traceContext } : job;
    await this.queue.add(job.kind, parseRunJob(data), { jobId: job.runId });
  }

  /** A process still opening its first connection lets requests wait for it. */
  assertAvailable(): void {
    if (this.wasReady && this.connection.status !== "ready") throw serviceUnavailable("redis");
  }

  async presence(runIds: readonly string[]): Promise<Map<string, JobPresence>> {
    const states = await Promise.all(runIds.map((runId) => this.queue.getJobState(runId)));
    return new Map(runIds.map((runId, index) => [runId, presenceOf(states[index])]));
  }

  async requeue(job: RunJob): Promise<void> {
    const existing = await this.queue.getJob(job.runId);
    if (existing) {
      const state = await existing.getState();
      if (presenceOf(state) !== "finished") return;
      await existing.remove();
    }
    await this.enqueue(job);
  }

  async withdraw(runId: string): Promise<"withdrawn" | "missing" | "held"> {
    const state = presenceOf(await this.queue.getJobState(runId));
    if (state === "missing" || state === "finished") return "missing";
    if (state === "active") return "held";
    // 0: a worker took it meanwhile (a locked job is not removed).
    return (await this.queue.remove(runId)) === 1 ? "withdrawn" : "held";
  }

  /** Jobs waiting or delayed (the queue-depth metric). */
  async depth(): Promise<number> {
    return this.queue.count();
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

function presenceOf(state: string | undefined): JobPresence {
  switch (state) {
    case "active":
      return "active";
    case "completed":
    case "failed":
      return "finished";
    case "waiting":
    case "delayed":
    case "prioritized":
    case "waiting-children":
      return "pending";
    default:
      return "missing";
  }
}
