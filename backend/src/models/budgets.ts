import { sql } from "drizzle-orm";
import {
  check,
  date,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { timestamptz, tokens, usd } from "./columns.js";

/**
 * Per-user override of the user-scope budget (the admin route writes it). `limits` holds
 * `{usd?, tokens?, period?}`: a key left out keeps the settings default, `null` lifts the limit.
 */
export const userBudgets = pgTable("user_budgets", {
  userId: text("user_id").primaryKey(),
  limits: jsonb("limits").$type<Record<string, unknown>>().notNull(),
  updatedBy: text("updated_by").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});

/**
 * Room held for one model call between its start and the checkpoint that writes its
 * `llm_calls` row (same id), which deletes it. A reservation whose worker died expires at
 * `expires_at` and stops counting; the next reservation of the user removes it.
 */
export const budgetReservations = pgTable(
  "budget_reservations",
  {
    id: uuid("id").primaryKey(),
    userId: text("user_id").notNull(),
    sessionId: text("session_id").notNull(),
    runId: text("run_id").notNull(),
    agentType: text("agent_type").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    /** Null when the model has no known price (it then only counts against token limits). */
    estimateUsd: usd("estimate_usd"),
    estimateTokens: tokens("estimate_tokens").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (table) => [
    index("budget_reservations_user_idx").on(table.userId, table.expiresAt),
    index("budget_reservations_session_idx").on(table.sessionId),
    index("budget_reservations_run_idx").on(table.runId),
  ],
);

/**
 * What each user spent per UTC day, written with the `llm_calls` rows (same transaction). A
 * user's concurrent runs write different shards (by run id), so their checkpoints do not queue
 * on one row; the period's spend is the sum over its days and shards.
 */
export const userDailySpend = pgTable(
  "user_daily_spend",
  {
    userId: text("user_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    shard: smallint("shard").notNull(),
    costUsd: usd("cost_usd").notNull().default("0"),
    tokens: tokens("tokens").notNull().default(0),
    calls: tokens("calls").notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.day, table.shard] }),
    check("user_daily_spend_shard_check", sql`${table.shard} between 0 and 7`),
  ],
);
