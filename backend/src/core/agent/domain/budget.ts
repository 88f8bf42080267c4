import { addDecimal, compareDecimal, reachesShare } from "./decimal.js";

/**
 * Spend limits (ARCHITECTURE.md §9, "Spend"). Three scopes, each with an optional USD and an
 * optional token limit (input + output tokens):
 * - `user`: everything one user spends in a period (calendar day or month in UTC, or ever);
 *   defaults from settings, overridden per user (`user_budgets`, the admin route);
 * - `session`: everything one session (thread) spends, over its lifetime;
 * - `run`: everything one run spends.
 * Session and run limits come from settings, overridden per agent (`budget` in agents.yaml or
 * a `system_agents` row's `config.budget`): a call made by an agent is checked against that
 * agent's limits.
 */
export const BUDGET_SCOPES = ["user", "session", "run"] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

export const BUDGET_PERIODS = ["daily", "monthly", "none"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** One scope's limit; `null` is no limit. USD as an exact decimal string. */
export interface ScopeLimit {
  usd: string | null;
  tokens: number | null;
}

export interface UserLimit extends ScopeLimit {
  period: BudgetPeriod;
}

export interface BudgetLimits {
  user: UserLimit;
  session: ScopeLimit;
  run: ScopeLimit;
}

/** An agent's `budget`: a field left out keeps the default, `null` lifts the limit. */
export interface AgentBudget {
  session?: Partial<ScopeLimit>;
  run?: Partial<ScopeLimit>;
}

/** A user's override (a `user_budgets` row): a field left out keeps the default, `null` lifts it. */
export interface UserBudgetOverride {
  usd?: string | null;
  tokens?: number | null;
  period?: BudgetPeriod;
}

/** The limits a call by an agent is checked against, before the user's override. */
export function limitsForAgent(
  defaults: BudgetLimits,
  agent: AgentBudget | undefined,
): BudgetLimits {
  if (!agent) return defaults;
  return {
    user: defaults.user,
    session: { ...defaults.session, ...agent.session },
    run: { ...defaults.run, ...agent.run },
  };
}

/** What one scope has used and holds, as Postgres reports it. */
export interface ScopeUsage {
  scope: BudgetScope;
  limit: ScopeLimit;
  /** Only for the user scope. */
  period?: BudgetPeriod;
  periodStart: Date | null;
  resetsAt: Date | null;
  /** Settled spend in the current period (the `llm_calls` rows written so far). */
  spentUsd: string;
  spentTokens: number;
  /** Open reservations: calls in flight (or not yet written) and not expired. */
  reservedUsd: string;
  reservedTokens: number;
}

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
