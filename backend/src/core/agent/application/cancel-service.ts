import { RequestError } from "../domain/errors.js";
import { isActiveRunStatus } from "../domain/run-status.js";
import type { CancelSignals } from "./ports/cancel-signals.js";
import type { Clock } from "./ports/clock.js";
import type { ConversationQueries } from "./ports/conversation-queries.js";
import type { RunEventStream } from "./ports/run-event-stream.js";
import type { RunJobControl } from "./ports/run-job.js";
import type { RunStore } from "./ports/run-store.js";
import { endUnclaimedRun } from "./unclaimed-run-ending.js";

/**
 * `POST /runs/{runId}/cancel`. A run whose job no worker holds (still waiting or delayed, or a
 * queued run the queue lost) is taken off the queue and ended here: outcome cancelled, thread
 * released, at once. Otherwise cancelling is cooperative: the flag in Postgres stops the run when a worker
 * picks it up, the signal aborts a running one between steps and its in-flight model call, and
 * the worker ends it with RUN_FINISHED `outcome: cancelled`. A running run whose worker is
 * gone is ended as cancelled by the supervisor.
 */
export class CancelService {
  constructor(
    private readonly dependencies: {
      store: RunStore;
      queries: ConversationQueries;
      cancels: CancelSignals;
      jobs: Pick<RunJobControl, "withdraw">;
      events: RunEventStream;
      clock: Clock;
      legacyInterruptEvent: boolean;
    },
  ) {}

  async cancel({
    runId,
    userId,
  }: {
    runId: string;
    userId: string;
  }): Promise<{ runId: string; status: string }> {
    const { store, queries, cancels, clock } = this.dependencies;
    const run = await queries.findRun({ runId, userId });
    if (!run) throw new RequestError({ code: "NOT_FOUND", message: `Run ${runId} not found` });
    if (run.status === "cancelled") return { runId, status: run.status };
    if (!isActiveRunStatus(run.status)) {
      throw new RequestError({
        code: "RUN_NOT_ACTIVE",
        message: `Run ${runId} is ${run.status}; only queued or running runs can be cancelled`,
        details: { status: run.status },
      });
    }
    const now = clock();
    await store.requestCancel({ runId, now });
    const audit = {
      actor: userId,
      action: "run.cancel_requested",
      sessionId: run.sessionId,
      runId,
      occurredAt: now,
    };
    if (await this.endUnclaimed({ runId, queued: run.status === "queued", audit })) {
      return { runId, status: "cancelled" };
    }
    await cancels.raise(runId);
    await store.audit([audit]);
    return { runId, status: "cancelling" };
  }

  /**
   * Ends a run no worker holds: its job was taken off the queue (waiting, or delayed after a
   * crash or an outage), or — for a queued run — the queue lost it. A running run whose job
   * is lost may still have a live worker (a Redis restart under it): that one is signalled,
   * and the supervisor ends it if its lease runs out. False when it was not ended here.
   */
  private async endUnclaimed({
    runId,
    queued,
    audit,
  }: {
    runId: string;
    queued: boolean;
    audit: { actor: string; action: string; sessionId: string; runId: string; occurredAt: Date };
  }): Promise<boolean> {
    const { store, jobs, events, clock, legacyInterruptEvent } = this.dependencies;
    const job = await jobs.withdraw(runId);
    if (job === "held" || (job === "missing" && !queued)) return false;
    const stored = await store.findRun(runId);
    if (!stored) return false;
    return endUnclaimedRun(
      { store, events, clock, legacyInterruptEvent },
      {
        run: {
          id: runId,
          sessionId: stored.sessionId,
          parentRunId: stored.parentRunId,
          input: (await store.storedInput(runId)) ?? null,
        },
        ending: { type: "cancelled" },
        audit: [{ ...audit, payload: { ended_by: "api", reason: "no worker held the run" } }],
      },
    );
  }
}
