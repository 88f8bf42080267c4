import { RequestError } from "../domain/errors.js";
import { isActiveRunStatus } from "../domain/run-status.js";
import type { CancelSignals } from "./ports/cancel-signals.js";
import type { Clock } from "./ports/clock.js";
import type { ConversationQueries } from "./ports/conversation-queries.js";
import type { RunStore } from "./ports/run-store.js";

/**
 * `POST /runs/{runId}/cancel`: cooperative. The flag in Postgres stops a queued run when a
 * worker picks it up; the signal aborts a running one between steps and its in-flight model
 * call. The worker ends the run with RUN_FINISHED `outcome: cancelled`.
 */
export class CancelService {
  constructor(
    private readonly dependencies: {
      store: RunStore;
      queries: ConversationQueries;
      cancels: CancelSignals;
      clock: Clock;
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
    await store.requestCancel({ runId: run.id, now });
    await cancels.raise(run.id);
    await store.audit([
      {
        actor: userId,
        action: "run.cancel_requested",
        sessionId: run.sessionId,
        runId: run.id,
        occurredAt: now,
      },
    ]);
    return { runId, status: "cancelling" };
  }
}
