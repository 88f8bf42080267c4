import { isActiveRunStatus } from "../domain/run-status.js";
import type { RunEvent } from "./ports/run-event.js";
import type { RunStore } from "./ports/run-store.js";
import { endingOf, fullHistory, terminalEvents } from "./run-outcome.js";

/**
 * A run's terminal events as Postgres records them (its status, error code and message, the
 * session's pending calls), for a follower whose Redis stream is gone; undefined while the run
 * is still queued or running. A run the record no longer has (its session was deleted) ends
 * with RUN_ERROR: a follower is never left without a terminal event.
 */
export async function recordedEnding({
  store,
  runId,
  legacyInterruptEvent,
}: {
  store: Pick<RunStore, "findRun" | "findSession" | "history">;
  runId: string;
  legacyInterruptEvent: boolean;
}): Promise<RunEvent[] | undefined> {
  const run = await store.findRun(runId);
  if (!run)
    return [{ type: "run-error", code: "INTERNAL", message: `Run ${runId} no longer exists` }];
  if (isActiveRunStatus(run.status)) return undefined;
  const session = await store.findSession(run.sessionId);
  if (!session)
    return [{ type: "run-error", code: "INTERNAL", message: `Run ${runId} no longer exists` }];
  return terminalEvents({
    ending: endingOf(run),
    threadId: session.id,
    runId: run.id,
    snapshot: session.snapshot,
    usage: [],
    messages: fullHistory(store, session.id),
    legacyInterruptEvent,
  });
}
