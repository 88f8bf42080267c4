import type { TokenUsage } from "@ag-ui/core";
import { addDecimal, isDecimalString, ZERO_DECIMAL } from "../domain/decimal.js";
import { InternalError } from "../domain/errors.js";
import type { LlmCallRecord } from "./ports/llm-call-record.js";

/** One call's usage; absent counts were not reported (they stay absent in AG-UI usage). */
export interface CallUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  reasoning_tokens?: number;
  /** Exact decimal USD string; null or absent when the call is unpriced. */
  cost?: string | null;
  provider?: string;
  model?: string;
}

export interface UsageSnapshot {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** Exact decimal string, "0" when nothing was priced. */
  cost_usd: string;
  calls: number;
}

const COUNTS = [
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
] as const;
type Count = (typeof COUNTS)[number];

interface Group {
  provider?: string;
  model?: string;
  counts: Partial<Record<Count, number>>;
}

/**
 * A run's usage in memory, for RUN_FINISHED: totals with an exact decimal cost, and AG-UI
 * `TokenUsage` entries per provider and model. The durable totals are summed in SQL.
 */
export class UsageTracker {
  readonly #totals: Record<Count, number> = {
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
  };
  readonly #groups = new Map<string, Group>();
  #cost = ZERO_DECIMAL;
  #calls = 0;

  /** Adds one call. Throws `INTERNAL` for negative or fractional counts or a bad cost. */
  add(usage: CallUsage): void {
    for (const count of COUNTS) {
      const value = usage[count];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
        throw new InternalError({
          message: `${count} must be a non-negative integer, got ${value}`,
        });
      }
    }
    if (usage.cost != null && (!isDecimalString(usage.cost) || usage.cost.startsWith("-"))) {
      throw new InternalError({
        message: `cost must be a non-negative decimal string, got "${usage.cost}"`,
      });
    }
    const group = this.#group(usage.provider, usage.model);
    for (const count of COUNTS) {
      const value = usage[count];
      if (value === undefined) continue;
      this.#totals[count] += value;
      group.counts[count] = (group.counts[count] ?? 0) + value;
    }
    if (usage.cost != null) this.#cost = addDecimal(this.#cost, usage.cost);
    this.#calls++;
  }

  addRecord(record: LlmCallRecord): void {
    this.add({
      input_tokens: record.input_tokens,
      output_tokens: record.output_tokens,
      cache_read_tokens: record.cache_read_tokens,
      cache_write_tokens: record.cache_write_tokens,
      reasoning_tokens: record.reasoning_tokens,
      cost: record.cost_usd,
      provider: record.provider,
      model: record.model_response ?? record.model_requested,
    });
  }

  snapshot(): UsageSnapshot {
    return {
      ...this.#totals,
      total_tokens: this.#totals.input_tokens + this.#totals.output_tokens,
      cost_usd: this.#cost,
      calls: this.#calls,
    };
  }

  /** One entry per provider and model, in first-seen order; unreported counts are omitted. */
  toAgUiUsage(): TokenUsage[] {
    return [...this.#groups.values()].map(({ provider, model, counts }) => {
      const entry: TokenUsage = {};
      if (provider !== undefined) entry.provider = provider;
      if (model !== undefined) entry.model = model;
      if (counts.input_tokens !== undefined) entry.inputTokens = counts.input_tokens;
      if (counts.output_tokens !== undefined) entry.outputTokens = counts.output_tokens;
      if (counts.input_tokens !== undefined || counts.output_tokens !== undefined) {
        entry.totalTokens = (counts.input_tokens ?? 0) + (counts.output_tokens ?? 0);
      }
      if (counts.reasoning_tokens !== undefined) entry.reasoningTokens = counts.reasoning_tokens;
      if (counts.cache_read_tokens !== undefined)
        entry.cachedInputTokens = counts.cache_read_tokens;
      if (counts.cache_write_tokens !== undefined) {
        entry.cacheWriteInputTokens = counts.cache_write_tokens;
      }
      return entry;
    });
  }

  #group(provider: string | undefined, model: string | undefined): Group {
    const key = `${provider ?? ""}\u0000${model ?? ""}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { counts: {} };
      if (provider !== undefined) group.provider = provider;
      if (model !== undefined) group.model = model;
      this.#groups.set(key, group);
    }
    return group;
  }
}
