import { asc, eq, sql } from "drizzle-orm";
import { llmCalls } from "../../../../models/index.js";
import type { Database, Executor } from "./database.js";

export type LlmCallRow = typeof llmCalls.$inferSelect;
export type NewLlmCall = typeof llmCalls.$inferInsert;

/**
 * Metering rows. Inserting is idempotent on the call id, and the run and session totals move
 * in the same statement, only by what was actually inserted, with the money summed as SQL
 * numeric.
 */
export class DrizzleLlmCallRepository {
  constructor(private readonly db: Database) {}

  /** Returns the ids that were new (a replayed call id is skipped and counts nothing). */
  async insert(calls: readonly NewLlmCall[], executor: Executor = this.db): Promise<string[]> {
    if (calls.length === 0) return [];
    const insert = executor
      .insert(llmCalls)
      .values([...calls])
      .onConflictDoNothing({ target: llmCalls.id })
      .returning({
        id: llmCalls.id,
        runId: llmCalls.runId,
        sessionId: llmCalls.sessionId,
        inputTokens: llmCalls.inputTokens,
        outputTokens: llmCalls.outputTokens,
        cacheReadTokens: llmCalls.cacheReadTokens,
        reasoningTokens: llmCalls.reasoningTokens,
        costUsd: llmCalls.costUsd,
      });
    const result = await executor.execute<{ id: string }>(sql`
      with inserted as ${insert},
      per_run as (
        select run_id, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
               sum(cache_read_tokens) as cached, sum(reasoning_tokens) as reasoning,
               sum(coalesce(cost_usd, 0)) as cost, count(*) as calls
        from inserted group by run_id
      ),
      per_session as (
        select session_id, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
               sum(cache_read_tokens) as cached, sum(reasoning_tokens) as reasoning,
               sum(coalesce(cost_usd, 0)) as cost, count(*) as calls
        from inserted group by session_id
      ),
      run_totals as (
        update runs set input_tokens = runs.input_tokens + per_run.input_tokens,
          output_tokens = runs.output_tokens + per_run.output_tokens,
          cached_input_tokens = runs.cached_input_tokens + per_run.cached,
          reasoning_tokens = runs.reasoning_tokens + per_run.reasoning,
          cost_usd = runs.cost_usd + per_run.cost,
          llm_call_count = runs.llm_call_count + per_run.calls
        from per_run where runs.id = per_run.run_id
        returning runs.id
      ),
      session_totals as (
        update sessions set input_tokens = sessions.input_tokens + per_session.input_tokens,
          output_tokens = sessions.output_tokens + per_session.output_tokens,
          cached_input_tokens = sessions.cached_input_tokens + per_session.cached,
          reasoning_tokens = sessions.reasoning_tokens + per_session.reasoning,
          cost_usd = sessions.cost_usd + per_session.cost,
          llm_call_count = sessions.llm_call_count + per_session.calls
        from per_session where sessions.id = per_session.session_id
        returning sessions.id
      )
      select inserted.id from inserted
    `);
    return result.rows.map((row) => row.id);
  }

  async listForRun(runId: string, executor: Executor = this.db): Promise<LlmCallRow[]> {
    return executor
      .select()
      .from(llmCalls)
      .where(eq(llmCalls.runId, runId))
      .orderBy(asc(llmCalls.startedAt));
  }
}
