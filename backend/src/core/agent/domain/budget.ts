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
