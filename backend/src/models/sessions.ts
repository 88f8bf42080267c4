import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz, usageTotals } from "./columns.js";

/** One conversation (= AG-UI thread). `state_snapshot` is the run's resumable state. */
export const sessions = pgTable(
  "sessions",
  {
    /** Storage id: the thread id when safe and free, else derived (migrations/0010). */
    id: text("id").primaryKey(),
    /** The client's AG-UI threadId; unique per user. */
    threadId: text("thread_id").notNull(),
    userId: text("user_id").notNull(),
    workflow: text("workflow").notNull(),
    status: text("status").notNull().default("idle"),
    stateSnapshot: jsonb("state_snapshot").$type<unknown>(),
    /** Optimistic lock: every snapshot write is `WHERE version = $expected`. */
    version: integer("version").notNull().default(0),
    activeRunId: text("active_run_id"),
    messageCount: integer("message_count").notNull().default(0),
    lastSeq: integer("last_seq").notNull().default(0),
    ...usageTotals(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    deletedAt: timestamptz("deleted_at"),
  },
  (table) => [
    check(
      "sessions_status_check",
      sql`${table.status} in ('idle', 'queued', 'running', 'interrupted', 'failed')`,
    ),
    uniqueIndex("sessions_user_thread_key").on(table.userId, table.threadId),
    index("sessions_user_updated_idx")
      .on(table.userId, table.updatedAt.desc())
      .where(sql`${table.deletedAt} is null`),
  ],
);
