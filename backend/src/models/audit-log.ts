import { bigint, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";

/** Approvals, rejections, expiries, correlation errors and cancels: who, what, when, payload. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamptz("occurred_at").notNull().defaultNow(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    sessionId: text("session_id"),
    runId: text("run_id"),
    toolCallId: text("tool_call_id"),
    errorCode: text("error_code"),
    payload: jsonb("payload").$type<Record<string, unknown>>(),
  },
  (table) => [
    index("audit_log_session_idx").on(table.sessionId, table.occurredAt),
    index("audit_log_run_idx").on(table.runId),
  ],
);
