import type { BudgetScope, ScopeUsage } from "./budget.js";
import type { BudgetMeasure } from "./budget-breach.js";
import { addDecimal, reachesShare } from "./decimal.js";

/** A scope passed its soft limit (settings `budgets.soft_limit_ratio` of a limit). */
export interface BudgetWarning {
  scope: BudgetScope;
  measure: BudgetMeasure;
  limit: string;
  /** Spent, held and the new call's estimate, together. */
  used: string;
  ratio: number;
  resetsAt: Date | null;
}

/** The scopes whose use, with a call's estimate, is at or past `ratio` of a limit. */
export function softLimitWarnings({
  usages,
  estimateUsd,
  estimateTokens,
  ratio,
}: {
  usages: readonly ScopeUsage[];
  estimateUsd: string | null;
  estimateTokens: number;
  ratio: number;
}): BudgetWarning[] {
  const warnings: BudgetWarning[] = [];
  for (const usage of usages) {
    const { limit } = usage;
    if (limit.usd !== null) {
      const used = addDecimal(addDecimal(usage.spentUsd, usage.reservedUsd), estimateUsd ?? "0");
      if (reachesShare(used, limit.usd, ratio)) {
        warnings.push({
          scope: usage.scope,
          measure: "usd",
          limit: limit.usd,
          used,
          ratio,
          resetsAt: usage.resetsAt,
        });
      }
    }
    if (limit.tokens !== null) {
      const used = usage.spentTokens + usage.reservedTokens + estimateTokens;
      if (used >= ratio * limit.tokens) {
        warnings.push({
          scope: usage.scope,
          measure: "tokens",
          limit: String(limit.tokens),
          used: String(used),
          ratio,
          resetsAt: usage.resetsAt,
        });
      }
    }
  }
  return warnings;
}
