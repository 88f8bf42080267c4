import type { BudgetPolicy } from "./core/agent/application/budget-service.js";
import type { CallBudgetPolicy } from "./core/agent/infrastructure/llm/budget-guard.js";
import type { Settings } from "./core/config/settings.js";

/** The `budgets` settings as the api's budget service takes them. */
export function budgetPolicyFrom(settings: Settings): BudgetPolicy {
  const { budgets } = settings;
  return {
    enabled: budgets.enabled,
    softLimitRatio: budgets.soft_limit_ratio,
    defaults: {
      user: {
        usd: budgets.user.usd ?? null,
        tokens: budgets.user.tokens ?? null,
        period: budgets.user.period,
      },
      session: { usd: budgets.session.usd ?? null, tokens: budgets.session.tokens ?? null },
      run: { usd: budgets.run.usd ?? null, tokens: budgets.run.tokens ?? null },
    },
  };
}

/** The `budgets` settings as the worker's budget guard takes them. */
export function callBudgetPolicyFrom(settings: Settings): CallBudgetPolicy {
  const { budgets } = settings;
  return {
    defaults: budgetPolicyFrom(settings).defaults,
    maxOutputTokens: budgets.max_output_tokens,
    reservationTtlSeconds: budgets.reservation_ttl_seconds,
    unpriced: budgets.unpriced,
    softLimitRatio: budgets.soft_limit_ratio,
  };
}
