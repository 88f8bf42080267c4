import type { RunView, SessionView } from "../../application/ports/run-store.js";
import type { RunStatus, SessionStatus } from "../../domain/run-status.js";
import { parseStateSnapshot } from "../../domain/state-snapshot.js";
import type { RunRow } from "./drizzle-run-repository.js";
import type { SessionRow } from "./drizzle-session-repository.js";

type UsageColumns = Pick<
  SessionRow,
  | "inputTokens"
  | "outputTokens"
  | "cachedInputTokens"
  | "reasoningTokens"
  | "costUsd"
  | "llmCallCount"
>;

function usageOf(row: UsageColumns) {
  return {
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedInputTokens: row.cachedInputTokens,
    reasoningTokens: row.reasoningTokens,
    costUsd: row.costUsd,
    llmCallCount: row.llmCallCount,
  };
}

/** A session row; reads for display also carry the active run's client id. */
export function toSessionView(
  row: SessionRow & { activeClientRunId?: string | null },
): SessionView {
  return {
    id: row.id,
    threadId: row.threadId,
    userId: row.userId,
    workflow: row.workflow,
    status: row.status as SessionStatus,
    activeRunId: row.activeRunId,
    activeClientRunId: row.activeClientRunId ?? row.activeRunId,
    version: row.version,
    snapshot: parseStateSnapshot(row.stateSnapshot),
    messageCount: row.messageCount,
    lastSeq: row.lastSeq,
    usage: usageOf(row),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toRunView(row: RunRow): RunView {
  return {
    id: row.id,
    clientRunId: row.clientRunId,
    sessionId: row.sessionId,
    threadId: row.threadId,
    userId: row.userId,
    kind: row.kind as RunView["kind"],
    parentRunId: row.parentRunId,
    parentClientRunId: row.parentClientRunId,
    workflow: row.workflow,
    status: row.status as RunStatus,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    attempts: row.attempts,
    cancelRequested: row.cancelRequestedAt !== null,
    usage: usageOf(row),
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}
