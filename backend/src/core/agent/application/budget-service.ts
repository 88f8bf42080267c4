import type { BudgetLimits, ScopeUsage, UserBudgetOverride } from "../domain/budget.js";
import { breachDetails, breachMessage, exhaustedScope } from "../domain/budget-breach.js";
import { BudgetExceededError } from "../domain/errors.js";
import type { BudgetLedger } from "./ports/budget-ledger.js";
import type { Clock } from "./ports/clock.js";

export interface BudgetPolicy {
  enabled: boolean;
  /** The settings defaults (agents may override session and run limits for their calls). */
  defaults: BudgetLimits;
  softLimitRatio: number;
}

/** A user's budget as `GET /budget` shows it. */
export interface BudgetState {
  enabled: boolean;
  userId: string;
  softLimitRatio: number;
  /** The user scope: the effective limit (override over default) and the period's use. */
  user: ScopeUsage;
  /** The default session and run limits (agents may set their own). */
  defaults: Pick<BudgetLimits, "session" | "run">;
  override: UserBudgetOverride | null;
}

/**
 * Budgets as the api sees them: the admission check (a user whose budget is used up gets 429
 * before the run is queued), the budget state, and the admin's per-user overrides. The check
 * per model call is the worker's (the LLM gateway's budget guard).
 */
export class BudgetService {
  constructor(
    private readonly dependencies: { ledger: BudgetLedger; clock: Clock; policy: BudgetPolicy },
  ) {}

  /**
   * Throws BUDGET_EXCEEDED when the user's settled spend already reached a user-scope limit.
   * Free when budgets are off (no query).
   */
  async assertAdmissible({ userId }: { userId: string }): Promise<void> {
    const { ledger, clock, policy } = this.dependencies;
    if (!policy.enabled) return;
    const { usages } = await ledger.usage({ userId, limits: policy.defaults, now: clock() });
    const breach = exhaustedScope(usages);
    if (breach) {
      throw new BudgetExceededError({
        message: breachMessage(breach),
        details: breachDetails(breach),
      });
    }
  }

  async state({ userId }: { userId: string }): Promise<BudgetState> {
    const { ledger, clock, policy } = this.dependencies;
    const { usages, override } = await ledger.usage({
      userId,
      limits: policy.defaults,
      allScopes: true,
      now: clock(),
    });
    const user = usages.find((usage) => usage.scope === "user");
    if (!user) throw new Error("agent_budget_usage did not report the user scope");
    return {
      enabled: policy.enabled,
      userId,
      softLimitRatio: policy.softLimitRatio,
      user,
      defaults: { session: policy.defaults.session, run: policy.defaults.run },
      override,
    };
  }

  async setOverride(input: {
    userId: string;
    override: UserBudgetOverride;
    by: string;
  }): Promise<BudgetState> {
    await this.dependencies.ledger.setOverride({ ...input, now: this.dependencies.clock() });
    return this.state({ userId: input.userId });
  }

  /** False when the user had no override. */
  deleteOverride({ userId }: { userId: string }): Promise<boolean> {
    return this.dependencies.ledger.deleteOverride(userId);
  }
}
