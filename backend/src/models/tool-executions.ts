import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";

/**
 * Idempotency ledger for side-effecting backend tools, keyed `runId:toolCallId`: a handler that
 * finds its key here returns the recorded result instead of acting twice.
 */
export const toolExecutions = pgTable("tool_executions", {
  idempotencyKey: text("idempotency_key").primaryKey(),
  toolName: text("tool_name").notNull(),
  result: jsonb("result").$type<unknown>().notNull(),
  /** How many times a handler asked for this key; more than 1 means a replay was absorbed. */
  attempts: integer("attempts").notNull().default(1),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
