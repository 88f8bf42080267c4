import { DelayedError, type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../../application/ports/logger.js";
import { RunHandedBackError } from "../../application/run-execution.js";
import type { RunExecutor } from "../../application/run-executor.js";
import { parseRunJob } from "./job-catalog.js";
import { inRunSpan } from "./run-span.js";

export interface RunWorkerSettings {
  name: string;
  concurrency: number;
  lock_duration_ms: number;
  stalled_interval_ms: number;
  shutdown_grace_ms: number;
}

export interface RunWorker {
  /** Stops taking jobs, lets in-flight runs finish for the grace period, then hands the rest back. */
  close(): Promise<void>;
}

/**
 * The BullMQ side of the worker process: picks `run` and `resume` jobs and gives them to the
 * executor. A job whose worker dies is found by BullMQ's stalled-job check (after
 * `lock_duration_ms`) and retried; the executor continues from the last checkpoint.
 */
export function startRunWorker({
  connection,
  prefix,
  settings,
  executor,
  logger,
}: {
  connection: Redis;
  prefix: string;
  settings: RunWorkerSettings;
  executor: RunExecutor;
  logger: Logger;
}): RunWorker {
  const shutdown = new AbortController();

  const process = async (job: Job, token?: string) => {
    const data = parseRunJob(job.data);
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const attempt = Math.max(job.attemptsStarted, 1);
    try {
      await inRunSpan({ job: data, attempt }, () =>
        executor.execute(data, { shutdown: shutdown.signal, finalAttempt, attempt }),
      );
    } catch (error) {
      if (error instanceof RunHandedBackError && token) {
        // Back to the queue without spending an attempt; another worker continues the run.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      logger.warn(
        { runId: data.runId, attempt: job.attemptsMade + 1, err: error },
        "run attempt failed",
      );
      throw error;
    }
  };

  const worker = new Worker(settings.name, process, {
    connection: connection.duplicate({ maxRetriesPerRequest: null }),
    prefix,
    concurrency: settings.concurrency,
    lockDuration: settings.lock_duration_ms,
    stalledInterval: settings.stalled_interval_ms,
    maxStalledCount: 3,
  });
  worker.on("error", (error) => logger.error({ err: error }, "queue worker error"));

  return {
    async close() {
      const closing = worker.close();
      const grace = setTimeout(
        () => shutdown.abort(new Error("worker shutting down")),
        settings.shutdown_grace_ms,
      );
      try {
        await closing;
      } finally {
        clearTimeout(grace);
      }
    },
  };
}
