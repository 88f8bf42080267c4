import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";

/** Where a ledgered call stands (see migrations/0008_tool_ledger_started.sql). */
export type ToolExecutionStatus = "started" | "completed" | "failed" | "unknown";

/**
 * Idempotency ledger for side-effecting backend tools, keyed `runId:toolCallId`: a call is
 * recorded `started` before its handler runs and `completed`/`failed` after, so a retried
 * attempt returns the recorded result instead of acting twice, and never starts a call again
 * whose outcome a crash left unknown (unless the tool is idempotent).
 */
export const toolExecutions = pgTable("tool_executions", {
  idempotencyKey: text("idempotency_key").primaryKey(),
  toolName: text("tool_name").notNull(),
  /** The handler's result (`completed`), or `{error}` (`failed`); null until then. */
  result: jsonb("result").$type<unknown>(),
  status: text("status").$type<ToolExecutionStatus>().notNull().default("completed"),
  /** How many times the handler was started for this key (more than 1: an idempotent re-run). */
  attempts: integer("attempts").notNull().default(1),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
