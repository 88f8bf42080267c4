import type { RunJob } from "./ports/run-job.js";
import type { RunView } from "./ports/run-store.js";
import { RunExecution, type RunExecutorDependencies } from "./run-execution.js";
import { endingOf, fullHistory, terminalEvents } from "./run-outcome.js";

/**
 * A job names a run this database does not have: the job belongs to another installation
 * sharing the Redis key prefix, or this worker reads another database than the api that
 * queued it. Never retried; the message says what to check.
 */
export class UnknownRunJobError extends Error {
  constructor(readonly runId: string) {
    super(
      `job for run ${runId}, which this database does not know: check that the api and every worker use the same SOCIAL_DATABASE__URL, and that no other installation shares this SOCIAL_REDIS__KEY_PREFIX and SOCIAL_QUEUE__NAME on the same Redis`,
    );
    this.name = "UnknownRunJobError";
  }
}

/**
 * What the worker calls for each job. Runs that already ended only get their terminal event
 * re-published if a crash lost it; everything else is one `RunExecution`.
 */
export class RunExecutor {
  constructor(private readonly dependencies: RunExecutorDependencies) {}

  async execute(
    job: RunJob,
    context: { shutdown: AbortSignal; finalAttempt: boolean; attempt: number },
  ): Promise<void> {
    const { store, logger, clock } = this.dependencies;
    const loaded = await store.pickUp({ runId: job.runId, now: clock() });
    if (!loaded) {
      const run = await store.findRun(job.runId);
      if (run) {
        await this.republishEnding(run);
        return;
      }
      const error = new UnknownRunJobError(job.runId);
      logger.error({ runId: job.runId, sessionId: job.sessionId }, error.message);
      throw error;
    }
    const { run, session } = loaded;
    if (session.activeRunId !== run.id) {
      logger.error(
        { runId: run.id, sessionId: run.sessionId },
        "run does not hold its session; failing it",
      );
      await this.failUnclaimed(run);
      return;
    }
    await new RunExecution(this.dependencies, run, session, job).execute(context);
  }

  /** The run ended in Postgres but its terminal event may not have reached the stream. */
  private async republishEnding(run: RunView): Promise<void> {
    const { events, store, settings } = this.dependencies;
    const stored = await events.readAll(run.id);
    if (stored.at(-1)?.terminal) return;
    const session = await store.findSession(run.sessionId);
    if (!session) return;
    await events.closeOpen(run.id, stored);
    const terminal = await terminalEvents({
      ending: endingOf(run),
      threadId: session.id,
      runId: run.id,
      snapshot: session.snapshot,
      usage: [],
      messages: fullHistory(store, session.id),
      legacyInterruptEvent: settings.legacyInterruptEvent,
    });
    await events.appendFinal(run.id, terminal);
  }

  private async failUnclaimed(run: RunView): Promise<void> {
    const { events, store, clock } = this.dependencies;
    const message = "The run no longer holds its session";
    await store.failRun({ runId: run.id, code: "INTERNAL", message, now: clock() });
    await events.appendFinal(run.id, [{ type: "run-error", code: "INTERNAL", message }]);
  }
}
