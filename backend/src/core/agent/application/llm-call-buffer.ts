import type { BudgetWarning } from "../domain/budget-warnings.js";
import { addDecimal, ZERO_DECIMAL } from "../domain/decimal.js";
import type { LlmCallRecord, LlmCallRecorder } from "./ports/llm-call-record.js";
import { UsageTracker } from "./usage-tracker.js";

/**
 * Holds a run's LLM call records until the next checkpoint writes them in its transaction,
 * and keeps the run's usage for RUN_FINISHED. Passes on a budget's soft-limit warning once
 * per scope and measure for the run attempt.
 */
export class LlmCallBuffer implements LlmCallRecorder {
  private pending: LlmCallRecord[] = [];
  private readonly warned = new Set<string>();
  readonly usage = new UsageTracker();

  constructor(
    private readonly onRecord: (call: LlmCallRecord) => void = () => {},
    private readonly onBudgetWarning: (warning: BudgetWarning) => void = () => {},
  ) {}

  record(call: LlmCallRecord): void {
    this.pending.push(call);
    this.usage.addRecord(call);
    this.onRecord(call);
  }

  budgetWarning(warning: BudgetWarning): void {
    const key = `${warning.scope}:${warning.measure}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.onBudgetWarning(warning);
  }

  /** The records since the last drain, and their token and cost sums. */
  drain(): {
    calls: LlmCallRecord[];
    totals: { input_tokens: number; output_tokens: number; cost_usd: string };
  } {
    const calls = this.pending;
    this.pending = [];
    let input = 0;
    let output = 0;
    let cost = ZERO_DECIMAL;
    for (const call of calls) {
      input += call.input_tokens;
      output += call.output_tokens;
      if (call.cost_usd !== null) cost = addDecimal(cost, call.cost_usd);
    }
    return { calls, totals: { input_tokens: input, output_tokens: output, cost_usd: cost } };
  }
}
