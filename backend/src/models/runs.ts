import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { timestamptz, usageTotals } from "./columns.js";
import { sessions } from "./sessions.js";

/** One AG-UI run (a user turn) or resume of an interrupted run. */
export const runs = pgTable(
  "runs",
  {
    /** Equals the AG-UI runId (chosen by the client). */
    id: text("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    kind: text("kind").notNull().default("run"),
    parentRunId: text("parent_run_id"),
    workflow: text("workflow").notNull(),
    status: text("status").notNull().default("queued"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    idempotencyKey: text("idempotency_key"),
    attempts: integer("attempts").notNull().default(0),
    cancelRequestedAt: timestamptz("cancel_requested_at"),
    /**
     * The admitted turn (the queue job's data without trace context), stored at admission so a
     * run whose job the queue lost can be queued again from Postgres alone.
     */
    input: jsonb("input").$type<unknown>(),
    /** Renewed by the worker executing the run; past it, the worker is presumed gone. */
    leaseExpiresAt: timestamptz("lease_expires_at"),
    /** When the supervisor first found the run with neither a job nor a live worker. */
    strandedAt: timestamptz("stranded_at"),
    /** Times the supervisor queued the run again. */
    recoveries: integer("recoveries").notNull().default(0),
    ...usageTotals(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
  },
  (table) => [
    check("runs_kind_check", sql`${table.kind} in ('run', 'resume')`),
    check(
      "runs_status_check",
      sql`${table.status} in ('queued', 'running', 'interrupted', 'succeeded', 'failed', 'cancelled')`,
    ),
    unique("runs_session_idempotency_key").on(table.sessionId, table.idempotencyKey),
    index("runs_session_created_idx").on(table.sessionId, table.createdAt),
    index("runs_status_idx").on(table.status),
    index("runs_active_idx")
      .on(table.createdAt)
      .where(sql`${table.status} in ('queued', 'running')`),
  ],
);
