import type { Clock } from "./ports/clock.js";
import type { Logger } from "./ports/logger.js";
import type { RunEventStream } from "./ports/run-event-stream.js";
import type { JobPresence, RunJobControl } from "./ports/run-job.js";
import type { ActiveRun, RunRecoveryStore } from "./ports/run-recovery-store.js";
import type { RunStore } from "./ports/run-store.js";
import type {
  AbandonReason,
  StrandedReason,
  SupervisorMetrics,
} from "./ports/supervisor-metrics.js";
import { endUnclaimedRun } from "./unclaimed-run-ending.js";

export interface RunSupervisorSettings {
  /** Time between passes; also how long a run is left alone after it was accepted. */
  intervalMs: number;
  /** A worker's lease on a run; a running run never leased counts from its start. */
  leaseMs: number;
  maxRecoveries: number;
  /** A stranded run accepted longer ago than this is given up, not queued again. */
  deadlineMs: number;
  legacyInterruptEvent: boolean;
}

export interface RunSupervisorDependencies {
  recovery: RunRecoveryStore;
  store: RunStore;
  jobs: RunJobControl;
  events: RunEventStream;
  clock: Clock;
  logger: Logger;
  metrics: SupervisorMetrics;
  settings: RunSupervisorSettings;
}

/** What one pass did (tests and the log). */
export interface SweepReport {
  /** This process held the supervisor lock. */
  led: boolean;
  checked: number;
  recovered: string[];
  abandoned: string[];
  /** Stranded runs whose cancel was requested, ended as cancelled. */
  cancelled: string[];
  released: string[];
}

/** Runs examined per pass; the rest wait for the next one (oldest first). */
const BATCH = 500;

/**
 * Postgres is the record; the queue may forget (ARCHITECTURE.md §9). Each pass compares the
 * runs Postgres holds as `queued` or `running` with the queue: a run whose job is missing or
 * finished and whose worker holds no live lease is stranded. Seen stranded on two passes in a
 * row, it is queued again from its stored input, or — after `maxRecoveries`, past
 * `deadlineMs`, or without a stored input — ended with RUN_ABANDONED and its thread released.
 * Sessions whose active run ended or is missing are released. Runs waiting for a human
 * (`interrupted`) are never looked at.
 */
export class RunSupervisor {
  constructor(private readonly dependencies: RunSupervisorDependencies) {}

  async sweep(): Promise<SweepReport> {
    const { recovery, jobs, clock, settings } = this.dependencies;
    const report: SweepReport = {
      led: false,
      checked: 0,
      recovered: [],
      abandoned: [],
      cancelled: [],
      released: [],
    };
    if (!(await recovery.tryLead())) return report;
    report.led = true;
    const now = clock();
    const runs = await recovery.activeRuns({
      acceptedBefore: new Date(now.getTime() - settings.intervalMs),
      limit: BATCH,
    });
    report.checked = runs.length;
    const presence = runs.length > 0 ? await jobs.presence(runs.map((run) => run.id)) : new Map();
    const alive: string[] = [];
    const firstSighting: string[] = [];
    const confirmed: { run: ActiveRun; reason: StrandedReason }[] = [];
    for (const run of runs) {
      const job: JobPresence = presence.get(run.id) ?? "missing";
      if (job === "pending" || job === "active" || this.leaseIsLive(run, now)) {
        if (run.strandedAt) alive.push(run.id);
      } else if (!run.strandedAt) {
        firstSighting.push(run.id);
      } else {
        confirmed.push({ run, reason: job === "finished" ? "job_failed" : "job_missing" });
      }
    }
    await recovery.clearStranded(alive);
    await recovery.markStranded({ runIds: firstSighting, now });
    for (const { run, reason } of confirmed) {
      try {
        const outcome = await this.settle(run, reason, now);
        if (outcome === "recovered") report.recovered.push(run.id);
        if (outcome === "abandoned") report.abandoned.push(run.id);
        if (outcome === "cancelled") report.cancelled.push(run.id);
      } catch (error) {
        this.dependencies.logger.warn(
          { runId: run.id, err: error },
          "supervisor could not settle a stranded run; trying again on the next pass",
        );
      }
    }
    const released = await recovery.releaseOrphanedSessions(now);
    for (const { sessionId, runId } of released) {
      this.dependencies.metrics.sessionReleased();
      this.dependencies.logger.warn(
        { sessionId, runId },
        "released a session whose active run had ended or was missing",
      );
    }
    report.released = released.map((released) => released.sessionId);
    return report;
  }

  /** A worker renewed the run's lease recently (or started it less than a lease ago). */
  private leaseIsLive(run: ActiveRun, now: Date): boolean {
    if (run.status !== "running") return false;
    const until =
      run.leaseExpiresAt ??
      (run.startedAt
        ? new Date(run.startedAt.getTime() + this.dependencies.settings.leaseMs)
        : null);
    return until !== null && until.getTime() > now.getTime();
  }

  private async settle(
    run: ActiveRun,
    reason: StrandedReason,
    now: Date,
  ): Promise<"recovered" | "abandoned" | "cancelled" | "ended"> {
    const { settings } = this.dependencies;
    // Its user asked to stop it: end it as cancelled rather than run it again.
    if (run.cancelRequested) return (await this.endCancelled(run, now)) ? "cancelled" : "ended";
    const giveUp = giveUpReason(run, now, settings);
    if (giveUp) return (await this.abandon(run, giveUp, now)) ? "abandoned" : "ended";
    const { jobs, events, recovery, metrics, logger } = this.dependencies;
    const input = run.input as NonNullable<ActiveRun["input"]>;
    // RUN_STARTED again when Redis lost the stream; refused (harmlessly) when it is there.
    const start = events.firstEvent({
      type: "run-start",
      threadId: run.sessionId,
      runId: run.id,
      ...(run.parentRunId ? { parentRunId: run.parentRunId } : {}),
    });
    await events.appendFirst(run.id, start).catch(() => {});
    await jobs.requeue(input);
    await recovery.recordRecovery({ run, reason, now });
    metrics.runRecovered(reason);
    logger.warn(
      { runId: run.id, status: run.status, reason, recoveries: run.recoveries + 1 },
      "supervisor queued a stranded run again",
    );
    return "recovered";
  }

  private async endCancelled(run: ActiveRun, now: Date): Promise<boolean> {
    const { store, events, clock, settings } = this.dependencies;
    return endUnclaimedRun(
      { store, events, clock, legacyInterruptEvent: settings.legacyInterruptEvent },
      {
        run,
        ending: { type: "cancelled" },
        audit: [
          {
            actor: "system",
            action: "run.cancelled",
            sessionId: run.sessionId,
            runId: run.id,
            payload: { reason: "cancel requested and no worker held the run" },
            occurredAt: now,
          },
        ],
      },
    );
  }

  private async abandon(run: ActiveRun, reason: AbandonReason, now: Date): Promise<boolean> {
    const { store, events, clock, metrics, logger, settings } = this.dependencies;
    const message = abandonMessage(reason, run);
    const ended = await endUnclaimedRun(
      { store, events, clock, legacyInterruptEvent: settings.legacyInterruptEvent },
      {
        run,
        ending: { type: "failed", code: "RUN_ABANDONED", message },
        audit: [
          {
            actor: "system",
            action: "run.abandoned",
            sessionId: run.sessionId,
            runId: run.id,
            errorCode: "RUN_ABANDONED",
            payload: { reason, status: run.status, recoveries: run.recoveries },
            occurredAt: now,
          },
        ],
      },
    );
    if (!ended) return false;
    metrics.runAbandoned(reason);
    logger.error(
      { runId: run.id, sessionId: run.sessionId, reason, recoveries: run.recoveries },
      "supervisor gave up a run it could not recover (RUN_ABANDONED)",
    );
    return true;
  }
}

function giveUpReason(
  run: ActiveRun,
  now: Date,
  settings: RunSupervisorSettings,
): AbandonReason | undefined {
  if (!run.input) return "no_input";
  if (run.recoveries >= settings.maxRecoveries) return "max_recoveries";
  if (now.getTime() - run.createdAt.getTime() > settings.deadlineMs) return "deadline";
  return undefined;
}

function abandonMessage(reason: AbandonReason, run: ActiveRun): string {
  switch (reason) {
    case "no_input":
      return "The run's job was lost and its input was not stored, so it cannot be queued again; send the turn again";
    case "max_recoveries":
      return `The run's job or worker was lost ${run.recoveries + 1} times; it was given up. Send the turn again`;
    case "deadline":
      return "The run's job or worker was lost and the run is past the recovery deadline; send the turn again";
  }
}
