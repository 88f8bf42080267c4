import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";

export interface MessageRow {
  id: string;
  run_id: string | null;
  seq: number;
  role: string;
  content: string | null;
  stage: string | null;
}

export interface UsageRow {
  status: string;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
  cost_usd: string;
  llm_call_count: number;
}

export interface LlmCallRow {
  stage: string;
  agent_type: string;
  status: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string | null;
}

/**
 * What a run left in Postgres, read with plain SQL: the session's messages in seq order, the run
 * and session rows with their usage totals, the run's `llm_calls` rows and their SQL sums.
 */
export async function readRunRows(
  database: DatabaseHandle,
  { sessionId, runId }: { sessionId: string; runId: string },
) {
  const usageColumns =
    "status, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd::text as cost_usd, llm_call_count";
  const [messages, run, session, calls, sums] = await Promise.all([
    database.pool.query<MessageRow>(
      "select id, run_id, seq, role, content, stage from messages where session_id = $1 order by seq",
      [sessionId],
    ),
    database.pool.query<UsageRow & { attempts: number; error_code: string | null }>(
      `select ${usageColumns}, attempts, error_code from runs where id = $1`,
      [runId],
    ),
    database.pool.query<
      UsageRow & { active_run_id: string | null; message_count: number; last_seq: number }
    >(
      `select ${usageColumns}, active_run_id, message_count, last_seq from sessions where id = $1`,
      [sessionId],
    ),
    database.pool.query<LlmCallRow>(
      `select stage, agent_type, status, input_tokens, output_tokens, cost_usd::text as cost_usd
         from llm_calls where run_id = $1 order by started_at`,
      [runId],
    ),
    database.pool.query<{
      input_tokens: number;
      output_tokens: number;
      cost_usd: string;
      calls: number;
    }>(
      `select coalesce(sum(input_tokens), 0)::int as input_tokens,
              coalesce(sum(output_tokens), 0)::int as output_tokens,
              coalesce(sum(cost_usd), 0)::numeric(20, 12)::text as cost_usd,
              count(*)::int as calls
         from llm_calls where run_id = $1`,
      [runId],
    ),
  ]);
  return {
    messages: messages.rows,
    run: run.rows[0],
    session: session.rows[0],
    llmCalls: calls.rows,
    llmCallSums: sums.rows[0],
  };
}
