import { type AgentError, BudgetExceededError, ToolCorrelationError } from "../domain/errors.js";
import type { ContextEntry } from "../domain/state-snapshot.js";
import type { PlannedRun } from "./admission-plan.js";
import type { Clock } from "./ports/clock.js";
import type { Logger } from "./ports/logger.js";
import type { RunEvent } from "./ports/run-event.js";
import type { RunEventStream, StoredRunEvent } from "./ports/run-event-stream.js";
import type { ClientToolInput, RunJob, RunJobControl, RunQueue } from "./ports/run-job.js";
import type { RunMetrics } from "./ports/run-metrics.js";
import type { RunStore, RunView, SessionView } from "./ports/run-store.js";
import type { RunAcceptance } from "./run-request.js";

export interface RunAdmissionDependencies {
  store: RunStore;
  queue: RunQueue & Pick<RunJobControl, "requeue">;
  events: RunEventStream;
  clock: Clock;
  logger: Logger;
  metrics: RunMetrics;
  /** Refuses (BUDGET_EXCEEDED, 429) a user whose budget is used up; absent: no check. */
  budgets?: { assertAdmissible(input: { userId: string }): Promise<void> };
}

/**
 * The api's half of a run: one transaction creates the session on first use, records the run
 * and claims the session; then RUN_STARTED goes on the run's stream (so the client's first
 * event never waits for a worker) and the job goes on the queue, while the admitted turn is
 * stored on the run (so the supervisor can queue it again if the queue forgets it). Nothing
 * else happens in the web process. A replayed run id answers with the existing run and, if it
 * is still queued, queues its stored turn again (the job id is the run id, so a job still
 * there is kept).
 */
export class RunAdmissions {
  constructor(private readonly dependencies: RunAdmissionDependencies) {}

  async admit({
    userId,
    runId,
    sessionId,
    workflow,
    idempotencyKey,
    clientTools,
    state,
    inputs,
    context,
    plan,
    plainTurn = false,
  }: {
    userId: string;
    runId: string;
    sessionId: string;
    workflow: string;
    idempotencyKey?: string;
    clientTools: ClientToolInput[];
    state?: Record<string, unknown>;
    /** `forwardedProps.inputs` as text; the worker keeps those its workflow uses. */
    inputs?: Record<string, string>;
    context?: ContextEntry[];
    plan: (session: SessionView) => PlannedRun;
    /** The request answers no tool call (see AdmissionRequest.plainTurn). */
    plainTurn?: boolean;
  }): Promise<RunAcceptance> {
    const { store, queue, events, clock } = this.dependencies;
    // Redis away: refuse now (503) rather than record a run nobody can queue.
    queue.assertAvailable();
    await this.assertWithinBudget({ userId, runId });
    const now = clock();
    let planned: PlannedRun | undefined;
    let admission: Awaited<ReturnType<RunStore["admit"]>>;
    try {
      admission = await store.admit(
        {
          runId,
          sessionId,
          userId,
          workflow,
          now,
          plainTurn,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        },
        (session) => {
          planned = plan(session);
          return planned;
        },
      );
    } catch (error) {
      if (error instanceof ToolCorrelationError)
        await this.auditRefusal({ error, userId, sessionId, runId, now });
      throw error;
    }
    const { run, session, replayed } = admission;
    const job: RunJob = {
      kind: run.kind,
      runId: run.id,
      sessionId: session.id,
      userId,
      messages: planned?.messages ?? [],
      clientTools,
      ...(state ? { state } : {}),
      ...(inputs ? { inputs } : {}),
      ...(context ? { context } : {}),
      decisions: planned?.decisions ?? [],
    };
    if (planned && planned.ignoredInterrupts.length > 0 && !replayed)
      await this.noteIgnoredInterrupts({
        interruptIds: planned.ignoredInterrupts,
        userId,
        sessionId: session.id,
        runId: run.id,
        now,
      });
    if (replayed) {
      if (run.status === "queued") await this.requeueReplayed(run);
      return {
        runId: run.id,
        sessionId: session.id,
        kind: run.kind,
        status: run.status,
        replayed: true,
        dispatched: Promise.resolve(),
      };
    }
    const start: RunEvent = {
      type: "run-start",
      threadId: session.id,
      runId: run.id,
      ...(run.parentRunId ? { parentRunId: run.parentRunId } : {}),
    };
    const startEvent = events.firstEvent(start);
    // Next tick: an SSE caller writes the response headers and RUN_STARTED before the queue's
    // work runs.
    const dispatched = new Promise((resolve) => setImmediate(resolve)).then(() =>
      this.dispatch({ start: startEvent, job, sessionId: session.id }),
    );
    // The caller may stop before awaiting it (a client that went away); never unhandled.
    dispatched.catch(() => {});
    this.dependencies.metrics.runAccepted(run.kind);
    return {
      runId: run.id,
      sessionId: session.id,
      kind: run.kind,
      status: run.status,
      replayed: false,
      startEvent,
      dispatched,
    };
  }

  /**
   * A replayed queued run: its job and stream may be lost (a Redis restart), so RUN_STARTED
   * goes on the stream again (refused, harmlessly, when it is there) and the stored turn on
   * the queue (kept when its job is still there).
   */
  private async requeueReplayed(run: RunView): Promise<void> {
    const { store, queue, events, logger } = this.dependencies;
    const input = await store.storedInput(run.id);
    if (!input) {
      logger.warn(
        { runId: run.id },
        "replayed queued run has no stored input; the supervisor decides",
      );
      return;
    }
    const start = events.firstEvent({
      type: "run-start",
      threadId: run.sessionId,
      runId: run.id,
      ...(run.parentRunId ? { parentRunId: run.parentRunId } : {}),
    });
    await events.appendFirst(run.id, start).catch(() => {});
    await queue.requeue(input);
  }

  /**
   * A user over budget cannot start runs; a replay of a run already admitted still answers
   * with that run (it spends nothing new).
   */
  private async assertWithinBudget({ userId, runId }: { userId: string; runId: string }) {
    const { budgets, store, metrics } = this.dependencies;
    if (!budgets) return;
    try {
      await budgets.assertAdmissible({ userId });
    } catch (error) {
      if (!BudgetExceededError.isInstance(error)) throw error;
      if ((await store.findRun(runId))?.userId === userId) return;
      const scope = error.details?.scope;
      if (scope === "user" || scope === "session" || scope === "run")
        metrics.budgetRefused({ scope, stage: "admission" });
      throw error;
    }
  }

  /**
   * RUN_STARTED goes into the run's stream before the job goes on the queue, on the same
   * connection, so the worker's first event always follows it; both in one round trip. If
   * either fails the admission is undone (run failed, session released).
   */
  private async dispatch({
    start,
    job,
    sessionId,
  }: {
    start: StoredRunEvent;
    job: RunJob;
    sessionId: string;
  }) {
    const { store, queue, events, clock, logger } = this.dependencies;
    try {
      await Promise.all([
        events.appendFirst(job.runId, start),
        queue.enqueue(job),
        store.recordInput({ runId: job.runId, input: job }),
      ]);
    } catch (error) {
      logger.error({ runId: job.runId, err: error }, "could not enqueue an admitted run");
      await store.abandonAdmission({
        runId: job.runId,
        sessionId,
        message: "The run could not be queued",
        now: clock(),
      });
      throw error;
    }
  }

  /** AG-UI 1.0: an unrecognised resume entry is skipped with a warning, not refused. */
  private async noteIgnoredInterrupts({
    interruptIds,
    userId,
    sessionId,
    runId,
    now,
  }: {
    interruptIds: string[];
    userId: string;
    sessionId: string;
    runId: string;
    now: Date;
  }): Promise<void> {
    this.dependencies.logger.warn(
      { runId, sessionId, interruptIds },
      "resume entries name no interrupt of this thread; skipped",
    );
    await this.dependencies.store.audit([
      {
        actor: userId,
        action: "interrupt.resume_entry_ignored",
        sessionId,
        runId,
        payload: { interrupt_ids: interruptIds },
        occurredAt: now,
      },
    ]);
  }

  private async auditRefusal({
    error,
    userId,
    sessionId,
    runId,
    now,
  }: {
    error: AgentError;
    userId: string;
    sessionId: string;
    runId: string;
    now: Date;
  }): Promise<void> {
    await this.dependencies.store.audit([
      {
        actor: userId,
        action: "tool_call.correlation_error",
        sessionId,
        runId,
        errorCode: error.code,
        payload: { ...error.details, message: error.message, checked_by: "api" },
        occurredAt: now,
      },
    ]);
  }
}
