import type { BudgetPeriod, BudgetScope, ScopeUsage } from "./budget.js";
import { compareDecimal } from "./decimal.js";

export type BudgetMeasure = "usd" | "tokens";

/** Why a scope refuses: its limit, what is spent and held, and when it resets. */
export interface BudgetBreach {
  scope: BudgetScope;
  measure: BudgetMeasure;
  limit: string;
  spent: string;
  reserved: string;
  /** The estimate of the refused call (absent at admission). */
  estimate?: string;
  /** The refused call's model has no known price and a USD limit applies. */
  unpriced?: boolean;
  period?: BudgetPeriod;
  resetsAt: Date | null;
}

/**
 * The first scope whose settled spend already reached a limit: nothing more can run there
 * (checked at admission, so a run that cannot make a single call is refused with 429 before
 * it is queued). Open reservations are not counted: they may settle for less.
 */
export function exhaustedScope(usages: readonly ScopeUsage[]): BudgetBreach | undefined {
  for (const usage of usages) {
    const { limit } = usage;
    if (limit.usd !== null && compareDecimal(usage.spentUsd, limit.usd) >= 0) {
      return breach(usage, "usd", limit.usd, usage.spentUsd, usage.reservedUsd);
    }
    if (limit.tokens !== null && usage.spentTokens >= limit.tokens) {
      return breach(
        usage,
        "tokens",
        String(limit.tokens),
        String(usage.spentTokens),
        String(usage.reservedTokens),
      );
    }
  }
  return undefined;
}

function breach(
  usage: ScopeUsage,
  measure: BudgetMeasure,
  limit: string,
  spent: string,
  reserved: string,
): BudgetBreach {
  return {
    scope: usage.scope,
    measure,
    limit,
    spent,
    reserved,
    ...(usage.period ? { period: usage.period } : {}),
    resetsAt: usage.resetsAt,
  };
}

/** The `details` of a BUDGET_EXCEEDED error (HTTP 429 body and RUN_ERROR). */
export function breachDetails(breach: BudgetBreach): Record<string, unknown> {
  const money = breach.measure === "usd";
  return {
    scope: breach.scope,
    measure: breach.measure,
    [money ? "limit_usd" : "limit_tokens"]: money ? breach.limit : Number(breach.limit),
    [money ? "spent_usd" : "spent_tokens"]: money ? breach.spent : Number(breach.spent),
    [money ? "reserved_usd" : "reserved_tokens"]: money ? breach.reserved : Number(breach.reserved),
    ...(breach.estimate === undefined
      ? {}
      : {
          [money ? "estimate_usd" : "estimate_tokens"]: money
            ? breach.estimate
            : Number(breach.estimate),
        }),
    ...(breach.unpriced ? { unpriced: true } : {}),
    ...(breach.period ? { period: breach.period } : {}),
    resets_at: breach.resetsAt?.toISOString() ?? null,
  };
}

export function breachMessage(breach: BudgetBreach): string {
  if (breach.unpriced) {
    return `The model has no known price, so it cannot be checked against the ${breach.scope} budget of ${breach.limit} USD (budgets.unpriced = refuse); give it a price_override in models.yaml`;
  }
  const unit = breach.measure === "usd" ? " USD" : " tokens";
  const when = breach.resetsAt ? `; it resets at ${breach.resetsAt.toISOString()}` : "";
  const estimate =
    breach.estimate === undefined ? "" : ` and this call is estimated at ${breach.estimate}${unit}`;
  return `The ${breach.scope} budget of ${breach.limit}${unit} is used up: ${breach.spent}${unit} spent, ${breach.reserved}${unit} held by calls in flight${estimate}${when}`;
}
