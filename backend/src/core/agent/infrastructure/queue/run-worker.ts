import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { unreachableDependency } from "../../application/dependency-outage.js";
import type { Logger } from "../../application/ports/logger.js";
import { RunHandedBackError } from "../../application/run-execution.js";
import { type RunExecutor, UnknownRunJobError } from "../../application/run-executor.js";
import { parseRunJob } from "./job-catalog.js";
import { OutageBudget } from "./outage-budget.js";
import type { RunLeases } from "./run-leases.js";
import { inRunSpan } from "./run-span.js";

export interface RunWorkerSettings {
  name: string;
  concurrency: number;
  lock_duration_ms: number;
  stalled_interval_ms: number;
  shutdown_grace_ms: number;
  backoff_ms: number;
  outage_budget_ms: number;
}

export interface RunWorker {
  /** Stops taking jobs, lets in-flight runs finish for the grace period, then hands the rest back. */
  close(): Promise<void>;
}

/**
 * The BullMQ side of the worker process: picks `run` and `resume` jobs and gives them to the
 * executor. A job whose worker dies is found by BullMQ's stalled-job check (after
 * `lock_duration_ms`) and retried; the executor continues from the last checkpoint.
 * Postgres or Redis being unreachable costs a run no attempt: its job goes back to the queue
 * with backoff until the outage budget is spent. While a run executes, its lease is renewed.
 */
export function startRunWorker({
  connection,
  prefix,
  settings,
  executor,
  leases,
  logger,
}: {
  connection: Redis;
  prefix: string;
  settings: RunWorkerSettings;
  executor: RunExecutor;
  leases?: RunLeases;
  logger: Logger;
}): RunWorker {
  const shutdown = new AbortController();
  const outages = new OutageBudget({
    budgetMs: settings.outage_budget_ms,
    firstDelayMs: settings.backoff_ms,
  });

  const process = async (job: Job, token?: string) => {
    const data = parseRunJob(job.data);
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const attempt = Math.max(job.attemptsStarted, 1);
    leases?.hold(data.runId);
    try {
      await inRunSpan({ job: data, attempt }, () =>
        executor.execute(data, { shutdown: shutdown.signal, finalAttempt, attempt }),
      );
      outages.clear(data.runId);
    } catch (error) {
      if (error instanceof RunHandedBackError && token) {
        // Back to the queue without spending an attempt; another worker continues the run.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (error instanceof UnknownRunJobError) throw new UnrecoverableError(error.message);
      const dependency = unreachableDependency(error);
      const delayMs = dependency && token ? outages.nextDelay(data.runId) : undefined;
      if (delayMs !== undefined && token) {
        logger.warn(
          { runId: data.runId, dependency, retryInMs: delayMs, err: error },
          "run waits for an unreachable dependency (no attempt spent)",
        );
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      }
      outages.clear(data.runId);
      logger.warn(
        { runId: data.runId, attempt: job.attemptsMade + 1, err: error },
        "run attempt failed",
      );
      throw error;
    } finally {
      leases?.release(data.runId);
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
      leases?.close();
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
