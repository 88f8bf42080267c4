import type { BudgetLimits, ScopeUsage, UserBudgetOverride } from "../../domain/budget.js";
import type { BudgetBreach } from "../../domain/budget-breach.js";

/** One model call's claim on the budgets, made just before the call. */
export interface ReservationRequest {
  /** The call's id: the `llm_calls` row with this id settles the reservation. */
  id: string;
  userId: string;
  sessionId: string;
  runId: string;
  agentType: string;
  provider: string;
  model: string;
  /** Null for a model without a known price. */
  estimateUsd: string | null;
  estimateTokens: number;
  /** Settings defaults with the calling agent's budget; the ledger lays the user's override over them. */
  limits: BudgetLimits;
  unpriced: "tokens_only" | "refuse";
  now: Date;
  expiresAt: Date;
}

export type ReservationOutcome =
  | { reserved: true; usages: ScopeUsage[] }
  | { reserved: false; usages: ScopeUsage[]; breach: BudgetBreach };

/** Budget bookkeeping in Postgres (reservations, spend per period, per-user overrides). */
export interface BudgetLedger {
  /** Checks the estimate against every limit and holds it, atomically per user (one round trip). */
  reserve(request: ReservationRequest): Promise<ReservationOutcome>;
  /** What the scopes have used now; `allScopes` also reports scopes without a limit. */
  usage(input: {
    userId: string;
    sessionId?: string;
    runId?: string;
    limits: BudgetLimits;
    allScopes?: boolean;
    now: Date;
  }): Promise<{ usages: ScopeUsage[]; override: UserBudgetOverride | null }>;
  setOverride(input: {
    userId: string;
    override: UserBudgetOverride;
    by: string;
    now: Date;
  }): Promise<void>;
  /** False when the user had no override. */
  deleteOverride(userId: string): Promise<boolean>;
}
