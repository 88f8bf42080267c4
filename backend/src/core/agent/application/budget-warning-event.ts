import type { BudgetWarning } from "../domain/budget-warnings.js";
import type { CrewEvent } from "./ports/run-event.js";

/** AG-UI `CUSTOM` name of the soft-limit warning. (contract) */
export const BUDGET_WARNING_EVENT = "budget_warning";

/**
 * The warning a run streams when one of its budgets passes the soft limit: which scope and
 * measure, the limit, what is used with the next call's estimate, the threshold, and when the
 * budget resets.
 */
export function budgetWarningEvent(warning: BudgetWarning): CrewEvent {
  const money = warning.measure === "usd";
  return {
    type: "custom",
    name: BUDGET_WARNING_EVENT,
    value: {
      scope: warning.scope,
      measure: warning.measure,
      [money ? "limit_usd" : "limit_tokens"]: money ? warning.limit : Number(warning.limit),
      [money ? "used_usd" : "used_tokens"]: money ? warning.used : Number(warning.used),
      soft_limit_ratio: warning.ratio,
      resets_at: warning.resetsAt?.toISOString() ?? null,
    },
  };
}
