import { z } from "zod";
import { USAGE_GROUPINGS } from "../../core/agent/application/ports/usage-queries.js";
import { ALL_USERS } from "../../core/agent/application/usage-service.js";
import { BUDGET_PERIODS } from "../../core/agent/domain/budget.js";
import { id } from "./schema-fields.js";

/*
 * Shapes of the metering and budget routes: the per-call breakdown on GET /runs/{id} and
 * GET /sessions/{id}, GET /usage, GET /budget and the admin's /admin/budgets/{userId}.
 */

const usd = z.string().describe("USD, exact decimal");

export const LlmCallSchema = z.object({
  id: z.string(),
  run_id: z.string(),
  session_id: z.string(),
  agent_type: z.string(),
  stage: z.string(),
  provider: z.string(),
  model_requested: z.string(),
  model_response: z.string().nullable(),
  response_id: z.string().nullable(),
  status: z.enum(["success", "error", "aborted"]),
  finish_reason: z.string().nullable(),
  started_at: z.string(),
  first_token_at: z.string().nullable(),
  ended_at: z.string(),
  latency_ms: z.number(),
  time_to_first_token_ms: z.number().nullable(),
  tokens: z.object({
    input: z.number(),
    cache_read: z.number(),
    cache_write: z.number(),
    output: z.number(),
    reasoning: z.number(),
    total: z.number(),
  }),
  cost_usd: usd.nullable(),
  cost_source: z.enum(["provider_reported", "genai_prices", "override", "unpriced"]),
  error: z.string().nullable(),
});

const UsageSumsSchema = z.object({
  calls: z.number(),
  failed_calls: z.number(),
  unpriced_calls: z.number(),
  input_tokens: z.number(),
  cache_read_tokens: z.number(),
  cache_write_tokens: z.number(),
  output_tokens: z.number(),
  reasoning_tokens: z.number(),
  total_tokens: z.number(),
  cost_usd: usd,
});

/** An ISO 8601 date (`2026-11-01`, midnight UTC) or date-time with an offset. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const UsageQuerySchema = z.object({
  from: instant.optional().describe("inclusive; default: the start of the UTC month of `to`"),
  to: instant.optional().describe("exclusive; default: now"),
  group_by: z.enum(USAGE_GROUPINGS).default("day"),
  user_id: id
    .optional()
    .describe(`another user's id, or \`${ALL_USERS}\` for everyone: admin scope only`),
});

export const UsageReportSchema = z.object({
  user_id: z.string().nullable().describe("null: every user"),
  from: z.string(),
  to: z.string(),
  group_by: z.enum(USAGE_GROUPINGS),
  totals: UsageSumsSchema,
  groups: z.array(
    UsageSumsSchema.extend({
      key: z.string(),
      provider: z.string().optional(),
      model: z.string().optional(),
    }),
  ),
});

const LimitSchema = z.object({
  limit_usd: usd.nullable(),
  limit_tokens: z.number().nullable(),
});

export const BudgetStateSchema = z.object({
  enabled: z.boolean(),
  user_id: z.string(),
  soft_limit_ratio: z.number(),
  user: LimitSchema.extend({
    period: z.enum(BUDGET_PERIODS),
    period_start: z.string().nullable(),
    resets_at: z.string().nullable(),
    spent_usd: usd,
    spent_tokens: z.number(),
    reserved_usd: usd,
    reserved_tokens: z.number(),
    remaining_usd: usd.nullable(),
    remaining_tokens: z.number().nullable(),
  }),
  session_default: LimitSchema,
  run_default: LimitSchema,
  override: z
    .object({
      usd: usd.nullable().optional(),
      tokens: z.number().nullable().optional(),
      period: z.enum(BUDGET_PERIODS).optional(),
    })
    .nullable(),
});

export const BudgetOverrideBodySchema = z.strictObject({
  usd: z
    .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d{1,12})?$/)])
    .nullable()
    .optional()
    .describe("USD per period; null: no limit; absent: the default"),
  tokens: z.number().int().positive().nullable().optional(),
  period: z.enum(BUDGET_PERIODS).optional(),
});

export const UserParamsSchema = z.object({ userId: id });
