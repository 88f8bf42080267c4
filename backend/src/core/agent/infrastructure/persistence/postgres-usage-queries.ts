import type pg from "pg";
import type { CostSource, LlmCallStatus } from "../../application/ports/llm-call-record.js";
import type {
  LlmCallView,
  UsageGroup,
  UsageGrouping,
  UsageQueries,
  UsageSums,
} from "../../application/ports/usage-queries.js";

/** The metering API's reads on Postgres; every sum is computed by Postgres in `numeric`. */
export class PostgresUsageQueries implements UsageQueries {
  constructor(private readonly pool: pg.Pool) {}

  async callsOfRun(runId: string): Promise<LlmCallView[]> {
    const { rows } = await this.pool.query<CallRow>({
      name: "usage_calls_of_run",
      text: `select ${CALL_COLUMNS} from llm_calls where run_id = $1 order by started_at, id`,
      values: [runId],
    });
    return rows.map(callViewOf);
  }

  async callsOfSession({
    sessionId,
    limit,
  }: {
    sessionId: string;
    limit: number;
  }): Promise<LlmCallView[]> {
    const { rows } = await this.pool.query<CallRow>({
      name: "usage_calls_of_session",
      text: `select ${CALL_COLUMNS} from llm_calls where session_id = $1
             order by started_at, id limit $2`,
      values: [sessionId, limit],
    });
    return rows.map(callViewOf);
  }

  async usage({
    userId,
    from,
    to,
    groupBy,
  }: {
    userId: string | null;
    from: Date;
    to: Date;
    groupBy: UsageGrouping;
  }): Promise<{ totals: UsageSums; groups: UsageGroup[] }> {
    const { select, group } = GROUPINGS[groupBy];
    // `grouping sets` gives the groups and the grand total in one scan of the index range.
    const { rows } = await this.pool.query<
      SumRow & { key: string | null; provider?: string; model?: string; total: boolean }
    >(
      `select ${select}, grouping(${group}) <> 0 as total, ${SUM_COLUMNS}
         from llm_calls
        where started_at >= $1 and started_at < $2 and ($3::text is null or user_id = $3)
        group by grouping sets ((${group}), ())
        order by total, key`,
      [from.toISOString(), to.toISOString(), userId],
    );
    const totalRow = rows.find((row) => row.total);
    return {
      totals: totalRow ? sumsOf(totalRow) : emptySums(),
      groups: rows
        .filter((row) => !row.total)
        .map((row) => ({
          key: row.key ?? "",
          ...(row.provider === undefined ? {} : { provider: row.provider }),
          ...(row.model === undefined ? {} : { model: row.model }),
          ...sumsOf(row),
        })),
    };
  }
}

const UTC_DAY = `to_char(started_at at time zone 'UTC', 'YYYY-MM-DD')`;

/** Per grouping: the select list (a `key`, and for models its parts) and the grouped columns. */
const GROUPINGS: Record<UsageGrouping, { select: string; group: string }> = {
  day: { select: `${UTC_DAY} as key`, group: UTC_DAY },
  model: {
    select: "provider || '/' || model_requested as key, provider, model_requested as model",
    group: "provider, model_requested",
  },
  agent: { select: "agent_type as key", group: "agent_type" },
  user: { select: "coalesce(user_id, '') as key", group: "user_id" },
};

/** A call's run and session as the client names them (runId, threadId). */
const CALL_COLUMNS = `id,
  coalesce((select r.client_run_id from runs r where r.id = llm_calls.run_id), run_id) as run_id,
  coalesce((select s.thread_id from sessions s where s.id = llm_calls.session_id), session_id)
    as session_id,
  agent_type, stage, provider, model_requested,
  model_response, response_id, status, finish_reason, started_at, first_token_at, ended_at,
  input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
  total_tokens, cost_usd::text as cost_usd, cost_source, error`;

const SUM_COLUMNS = `count(*)::bigint as calls,
  count(*) filter (where status <> 'success')::bigint as failed_calls,
  count(*) filter (where cost_usd is null)::bigint as unpriced_calls,
  coalesce(sum(input_tokens), 0)::bigint as input_tokens,
  coalesce(sum(cache_read_tokens), 0)::bigint as cache_read_tokens,
  coalesce(sum(cache_write_tokens), 0)::bigint as cache_write_tokens,
  coalesce(sum(output_tokens), 0)::bigint as output_tokens,
  coalesce(sum(reasoning_tokens), 0)::bigint as reasoning_tokens,
  coalesce(sum(total_tokens), 0)::bigint as total_tokens,
  coalesce(sum(cost_usd), 0)::numeric(20, 12)::text as cost_usd`;

interface CallRow {
  id: string;
  run_id: string;
  session_id: string;
  agent_type: string;
  stage: string;
  provider: string;
  model_requested: string;
  model_response: string | null;
  response_id: string | null;
  status: LlmCallStatus;
  finish_reason: string | null;
  started_at: Date;
  first_token_at: Date | null;
  ended_at: Date;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost_usd: string | null;
  cost_source: CostSource;
  error: string | null;
}

interface SumRow {
  calls: number;
  failed_calls: number;
  unpriced_calls: number;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost_usd: string;
}

function callViewOf(row: CallRow): LlmCallView {
  return {
    id: row.id,
    runId: row.run_id,
    sessionId: row.session_id,
    agentType: row.agent_type,
    stage: row.stage,
    provider: row.provider,
    modelRequested: row.model_requested,
    modelResponse: row.model_response,
    responseId: row.response_id,
    status: row.status,
    finishReason: row.finish_reason,
    startedAt: row.started_at,
    firstTokenAt: row.first_token_at,
    endedAt: row.ended_at,
    inputTokens: row.input_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    outputTokens: row.output_tokens,
    reasoningTokens: row.reasoning_tokens,
    totalTokens: row.total_tokens,
    costUsd: row.cost_usd,
    costSource: row.cost_source,
    error: row.error,
  };
}

function sumsOf(row: SumRow): UsageSums {
  return {
    calls: row.calls,
    failedCalls: row.failed_calls,
    unpricedCalls: row.unpriced_calls,
    inputTokens: row.input_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    outputTokens: row.output_tokens,
    reasoningTokens: row.reasoning_tokens,
    totalTokens: row.total_tokens,
    costUsd: row.cost_usd,
  };
}

function emptySums(): UsageSums {
  return {
    calls: 0,
    failedCalls: 0,
    unpricedCalls: 0,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costUsd: "0.000000000000",
  };
}
