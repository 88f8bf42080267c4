import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz, tokens, usd } from "./columns.js";

/** One row per provider call (the LiteLLM SpendLogs equivalent); `id` is minted before the call. */
export const llmCalls = pgTable(
  "llm_calls",
  {
    id: uuid("id").primaryKey(),
    runId: text("run_id").notNull(),
    sessionId: text("session_id").notNull(),
    /** The run's user (null only for rows written before this column existed and not backfilled). */
    userId: text("user_id"),
    agentType: text("agent_type").notNull(),
    stage: text("stage").notNull(),
    provider: text("provider").notNull(),
    modelRequested: text("model_requested").notNull(),
    modelResponse: text("model_response"),
    responseId: text("response_id"),
    startedAt: timestamptz("started_at").notNull(),
    firstTokenAt: timestamptz("first_token_at"),
    endedAt: timestamptz("ended_at").notNull(),
    status: text("status").notNull(),
    finishReason: text("finish_reason"),
    inputTokens: tokens("input_tokens").notNull().default(0),
    cacheReadTokens: tokens("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: tokens("cache_write_tokens").notNull().default(0),
    outputTokens: tokens("output_tokens").notNull().default(0),
    reasoningTokens: tokens("reasoning_tokens").notNull().default(0),
    totalTokens: tokens("total_tokens").notNull().default(0),
    usageRaw: jsonb("usage_raw").$type<unknown>(),
    costUsd: usd("cost_usd"),
    costSource: text("cost_source").notNull(),
    error: text("error"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [
    check("llm_calls_status_check", sql`${table.status} in ('success', 'error', 'aborted')`),
    check(
      "llm_calls_cost_source_check",
      sql`${table.costSource} in ('provider_reported', 'genai_prices', 'override', 'unpriced')`,
    ),
    index("llm_calls_run_idx").on(table.runId),
    index("llm_calls_session_started_idx").on(table.sessionId, table.startedAt),
    index("llm_calls_started_idx").on(table.startedAt),
    index("llm_calls_user_started_idx").on(table.userId, table.startedAt),
  ],
);
