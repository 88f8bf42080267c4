import { CheckpointRefusedError } from "../domain/errors.js";
import { isActiveRunStatus } from "../domain/run-status.js";
import { setRunStatus } from "../domain/state-snapshot.js";
import type { Clock } from "./ports/clock.js";
import type { RunEventStream } from "./ports/run-event-stream.js";
import type { RunJob } from "./ports/run-job.js";
import type { AuditRecord, RunStore } from "./ports/run-store.js";
import {
  fullHistory,
  type RunEnding,
  runStatusOf,
  sessionStatusOf,
  terminalEvents,
} from "./run-outcome.js";

export interface UnclaimedRunEndingDependencies {
  store: RunStore;
  events: RunEventStream;
  clock: Clock;
  legacyInterruptEvent: boolean;
}

/** The run to end: what Postgres holds of it, and its admitted turn when stored. */
export interface UnclaimedRun {
  id: string;
  sessionId: string;
  parentRunId: string | null;
  input: RunJob | null;
}

/**
 * Ends a run that no worker holds (its job was withdrawn or lost, its worker is gone), the way
 * a worker would: one checkpoint stores the ending, releases the session when the run holds
 * it and keeps the user's turn of a run that never started; then the run's stream gets its
 * terminal event (after RUN_STARTED when Redis lost the stream). Returns false, changing
 * nothing, when the run ended meanwhile; a worker that picks the run up afterwards finds it
 * ended, and one that had already started loses the race on the session's version.
 */
export async function endUnclaimedRun(
  dependencies: UnclaimedRunEndingDependencies,
  { run, ending, audit }: { run: UnclaimedRun; ending: RunEnding; audit: AuditRecord[] },
): Promise<boolean> {
  const { store, events, clock } = dependencies;
  const session = await store.findSession(run.sessionId);
  // Read after the session: a worker's ending commits run and session together, so a run
  // still active here means the session read above is the one the ending must replace.
  const current = await store.findRun(run.id);
  if (!current || !isActiveRunStatus(current.status)) return false;
  const status = runStatusOf(ending);
  if (!session) {
    const code = ending.type === "failed" ? ending.code : "CANCELLED";
    await store.failRun({ runId: run.id, code, message: "The run lost its session", now: clock() });
    return true;
  }
  const started = session.snapshot.run?.run_id === run.id;
  const snapshot = started ? setRunStatus(session.snapshot, status) : session.snapshot;
  const holds = session.activeRunId === run.id;
  // The user's turn is kept even though no agent answered it (as a worker does on cancel).
  const userTurn = started
    ? []
    : (run.input?.messages ?? []).filter((message) => message.role === "user");
  const checkpoint = store.checkpoint({
    sessionId: session.id,
    runId: run.id,
    expectedVersion: session.version,
    snapshot,
    messages: userTurn,
    messagesMayExist: true,
    audit,
    ...(holds ? { sessionStatus: sessionStatusOf(ending, snapshot), activeRunId: null } : {}),
    runStatus: status,
    ...(ending.type === "failed"
      ? { runError: { code: ending.code, message: ending.message } }
      : {}),
    ...(ending.type === "cancelled"
      ? { runError: { code: "CANCELLED", message: "The run was cancelled" } }
      : {}),
    now: clock(),
  });
  try {
    await checkpoint;
  } catch (error) {
    // Postgres refused the write for what it holds (CHECKPOINT_REFUSED): end the run without it.
    if (!CheckpointRefusedError.isInstance(error) || ending.type !== "failed") throw error;
    await store.endRun({
      sessionId: session.id,
      runId: run.id,
      sessionStatus: sessionStatusOf(ending, snapshot),
      error: { code: ending.code, message: ending.message },
      llmCalls: [],
      now: clock(),
    });
  }
  const stored = await events.readAll(run.id);
  if (stored.at(-1)?.terminal) return true;
  if (stored.length === 0) {
    const start = events.firstEvent({
      type: "run-start",
      threadId: session.id,
      runId: run.id,
      ...(run.parentRunId ? { parentRunId: run.parentRunId } : {}),
    });
    await events.appendFirst(run.id, start).catch(() => {});
  } else {
    await events.closeOpen(run.id, stored);
  }
  const terminal = await terminalEvents({
    ending,
    threadId: session.id,
    runId: run.id,
    snapshot,
    usage: [],
    messages: fullHistory(store, session.id),
    legacyInterruptEvent: dependencies.legacyInterruptEvent,
  });
  await events.appendFinal(run.id, terminal);
  return true;
}
