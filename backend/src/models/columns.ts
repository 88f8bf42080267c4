import { bigint, numeric, timestamp } from "drizzle-orm/pg-core";

/** Money in USD: exact to 12 decimal places, read and written as decimal strings. */
export const usd = (name: string) => numeric(name, { precision: 20, scale: 12, mode: "string" });

/** Token counters; `number` is exact far beyond any realistic total (2^53). */
export const tokens = (name: string) => bigint(name, { mode: "number" });

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** The usage roll-up columns shared by `sessions` and `runs`. */
export const usageTotals = () => ({
  inputTokens: tokens("input_tokens").notNull().default(0),
  outputTokens: tokens("output_tokens").notNull().default(0),
  cachedInputTokens: tokens("cached_input_tokens").notNull().default(0),
  reasoningTokens: tokens("reasoning_tokens").notNull().default(0),
  costUsd: usd("cost_usd").notNull().default("0"),
  llmCallCount: tokens("llm_call_count").notNull().default(0),
});
