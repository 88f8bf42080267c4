import type { RunView, SessionView, UsageTotals } from "../../application/ports/run-store.js";
import type { RunStatus, SessionStatus } from "../../domain/run-status.js";
import { parseStateSnapshot } from "../../domain/state-snapshot.js";

/**
 * Views from rows read as JSON (`to_jsonb(row)` with `cost_usd` re-added as text, so money
 * never passes through a float). The hot-path statements return rows this way to read a run
 * and its session in one round trip.
 */
type JsonRow = Record<string, unknown>;

/** `to_jsonb(alias) - 'cost_usd' || jsonb_build_object('cost_usd', alias.cost_usd::text)` */
export const jsonRowWithExactCost = (alias: string) =>
  `to_jsonb(${alias}) - 'cost_usd' || jsonb_build_object('cost_usd', ${alias}.cost_usd::text)`;

const date = (value: unknown) => new Date(value as string);
const optionalDate = (value: unknown) =>
  value === null || value === undefined ? null : date(value);

function usageOf(row: JsonRow): UsageTotals {
  return {
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    costUsd: String(row.cost_usd),
    llmCallCount: Number(row.llm_call_count),
  };
}

export function sessionViewFromJson(row: JsonRow): SessionView {
  return {
    id: row.id as string,
    threadId: (row.thread_id as string | undefined) ?? (row.id as string),
    userId: row.user_id as string,
    workflow: row.workflow as string,
    status: row.status as SessionStatus,
    activeRunId: (row.active_run_id as string | null) ?? null,
    activeClientRunId:
      (row.active_client_run_id as string | null | undefined) ??
      (row.active_run_id as string | null) ??
      null,
    version: Number(row.version),
    snapshot: parseStateSnapshot(row.state_snapshot),
    messageCount: Number(row.message_count),
    lastSeq: Number(row.last_seq),
    usage: usageOf(row),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

export function runViewFromJson(row: JsonRow): RunView {
  return {
    id: row.id as string,
    clientRunId: (row.client_run_id as string | undefined) ?? (row.id as string),
    sessionId: row.session_id as string,
    threadId: (row.thread_id as string | undefined) ?? (row.session_id as string),
    userId: row.user_id as string,
    kind: row.kind as RunView["kind"],
    parentRunId: (row.parent_run_id as string | null) ?? null,
    parentClientRunId: (row.parent_client_run_id as string | null) ?? null,
    workflow: row.workflow as string,
    status: row.status as RunStatus,
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    attempts: Number(row.attempts),
    cancelRequested: row.cancel_requested_at !== null && row.cancel_requested_at !== undefined,
    usage: usageOf(row),
    createdAt: date(row.created_at),
    startedAt: optionalDate(row.started_at),
    finishedAt: optionalDate(row.finished_at),
  };
}
