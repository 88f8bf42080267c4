import type pg from "pg";
import type {
  BudgetLedger,
  ReservationOutcome,
  ReservationRequest,
} from "../../application/ports/budget-ledger.js";
import {
  BUDGET_PERIODS,
  type BudgetLimits,
  type BudgetPeriod,
  type BudgetScope,
  type ScopeUsage,
  type UserBudgetOverride,
} from "../../domain/budget.js";
import type { BudgetBreach } from "../../domain/budget-breach.js";

/**
 * The `BudgetLedger` port on Postgres: `agent_budget_reserve` and `agent_budget_usage` (see
 * migrations/0004_budget_functions.sql), one round trip each, and the `user_budgets` rows.
 * Settlement has no statement of its own: the `llm_calls` insert of the checkpoint does it.
 */
export class PostgresBudgetLedger implements BudgetLedger {
  constructor(private readonly pool: pg.Pool) {}

  async reserve(request: ReservationRequest): Promise<ReservationOutcome> {
    const { rows } = await this.pool.query<{ result: ReserveJson }>({
      name: "agent_budget_reserve",
      text: "select agent_budget_reserve($1::jsonb) as result",
      values: [
        JSON.stringify({
          id: request.id,
          user_id: request.userId,
          session_id: request.sessionId,
          run_id: request.runId,
          agent_type: request.agentType,
          provider: request.provider,
          model: request.model,
          estimate_usd: request.estimateUsd,
          estimate_tokens: request.estimateTokens,
          limits: request.limits,
          unpriced: request.unpriced,
          now: request.now.toISOString(),
          expires_at: request.expiresAt.toISOString(),
        }),
      ],
    });
    const result = rows[0]?.result;
    if (!result) throw new Error("agent_budget_reserve returned nothing");
    const usages = result.usage.scopes.map(scopeUsageOf);
    if (result.reserved) return { reserved: true, usages };
    const breach = result.breach as ScopeJson & { measure: "usd" | "tokens"; unpriced?: boolean };
    return {
      reserved: false,
      usages,
      breach: breachOf(breach, request),
    };
  }

  async usage(input: {
    userId: string;
    sessionId?: string;
    runId?: string;
    limits: BudgetLimits;
    allScopes?: boolean;
    now: Date;
  }): Promise<{ usages: ScopeUsage[]; override: UserBudgetOverride | null }> {
    const { rows } = await this.pool.query<{ result: UsageJson }>({
      name: "agent_budget_usage",
      text: "select agent_budget_usage($1::jsonb) as result",
      values: [
        JSON.stringify({
          user_id: input.userId,
          session_id: input.sessionId ?? null,
          run_id: input.runId ?? null,
          limits: input.limits,
          all_scopes: input.allScopes === true,
          now: input.now.toISOString(),
        }),
      ],
    });
    const result = rows[0]?.result;
    if (!result) throw new Error("agent_budget_usage returned nothing");
    return {
      usages: result.scopes.map(scopeUsageOf),
      override: result.override === null ? null : overrideOf(result.override),
    };
  }

  async setOverride({
    userId,
    override,
    by,
    now,
  }: {
    userId: string;
    override: UserBudgetOverride;
    by: string;
    now: Date;
  }): Promise<void> {
    await this.pool.query(
      `insert into user_budgets (user_id, limits, updated_by, created_at, updated_at)
       values ($1, $2::jsonb, $3, $4, $4)
       on conflict (user_id) do update
         set limits = excluded.limits, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [userId, JSON.stringify(override), by, now.toISOString()],
    );
  }

  async deleteOverride(userId: string): Promise<boolean> {
    const result = await this.pool.query("delete from user_budgets where user_id = $1", [userId]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Reservations held now, per model and agent (for the metrics scrape). */
  async openReservations(): Promise<
    { provider: string; model: string; agent: string; count: number; usd: number }[]
  > {
    const { rows } = await this.pool.query<{
      provider: string;
      model: string;
      agent: string;
      count: number;
      usd: number;
    }>(
      `select provider, model, agent_type as agent, count(*)::int as count,
              coalesce(sum(estimate_usd), 0)::float8 as usd
         from budget_reservations where expires_at > now()
        group by provider, model, agent_type`,
    );
    return rows;
  }
}

interface ScopeJson {
  scope: BudgetScope;
  limit_usd: string | null;
  limit_tokens: number | null;
  period?: BudgetPeriod;
  period_start: string | null;
  resets_at: string | null;
  spent_usd: string;
  spent_tokens: number;
  reserved_usd: string;
  reserved_tokens: number;
}

interface UsageJson {
  override: Record<string, unknown> | null;
  scopes: ScopeJson[];
}

type ReserveJson =
  | { reserved: true; usage: UsageJson }
  | { reserved: false; usage: UsageJson; breach: unknown };

const optionalDate = (value: string | null | undefined) =>
  value === null || value === undefined ? null : new Date(value);

function scopeUsageOf(json: ScopeJson): ScopeUsage {
  return {
    scope: json.scope,
    limit: { usd: json.limit_usd, tokens: json.limit_tokens },
    ...(json.period ? { period: json.period } : {}),
    periodStart: optionalDate(json.period_start),
    resetsAt: optionalDate(json.resets_at),
    spentUsd: json.spent_usd,
    spentTokens: Number(json.spent_tokens),
    reservedUsd: json.reserved_usd,
    reservedTokens: Number(json.reserved_tokens),
  };
}

function breachOf(
  json: ScopeJson & { measure: "usd" | "tokens"; unpriced?: boolean },
  request: ReservationRequest,
): BudgetBreach {
  const usd = json.measure === "usd";
  return {
    scope: json.scope,
    measure: json.measure,
    limit: usd ? String(json.limit_usd) : String(json.limit_tokens),
    spent: usd ? json.spent_usd : String(json.spent_tokens),
    reserved: usd ? json.reserved_usd : String(json.reserved_tokens),
    ...(json.unpriced
      ? { unpriced: true }
      : { estimate: usd ? String(request.estimateUsd) : String(request.estimateTokens) }),
    ...(json.period ? { period: json.period } : {}),
    resetsAt: optionalDate(json.resets_at),
  };
}

/** A stored override, keeping only the fields it may hold (rows are written by the admin route). */
function overrideOf(stored: Record<string, unknown>): UserBudgetOverride {
  const override: UserBudgetOverride = {};
  if ("usd" in stored) override.usd = typeof stored.usd === "string" ? stored.usd : null;
  if ("tokens" in stored)
    override.tokens = typeof stored.tokens === "number" ? stored.tokens : null;
  const period = stored.period;
  if (BUDGET_PERIODS.some((candidate) => candidate === period))
    override.period = period as BudgetPeriod;
  return override;
}
