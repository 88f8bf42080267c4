import { asc, eq, sql } from "drizzle-orm";
import { llmCalls } from "../../../../models/index.js";
import type { LlmCallRecord } from "../../application/ports/llm-call-record.js";
import { storableJsonText } from "../../domain/storable-text.js";
import type { Database, Executor } from "./database.js";

export type LlmCallRow = typeof llmCalls.$inferSelect;

/**
 * Metering rows. Recording is `agent_record_llm_calls` (migrations/0002_hot_path_functions.sql), the same function
 * every checkpoint uses: idempotent on the call id, and the run and session totals move in the
 * same transaction, only by what was actually inserted, with the money summed as numeric.
 */
export class DrizzleLlmCallRepository {
  constructor(private readonly db: Database) {}

  /** Returns the ids that were new (a replayed call id is skipped and counts nothing). */
  async insert(calls: readonly LlmCallRecord[], executor: Executor = this.db): Promise<string[]> {
    if (calls.length === 0) return [];
    const result = await executor.execute<{ id: string }>(
      sql`select id from agent_record_llm_calls(${storableJsonText(calls)}::jsonb) as id`,
    );
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
