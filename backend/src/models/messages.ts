import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
} from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";
import { sessions } from "./sessions.js";

/** AG-UI tool call as stored on an assistant message. */
export interface StoredToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** Persisted chat history; `seq` is gap-free and strictly increasing per session. */
export const messages = pgTable(
  "messages",
  {
    /** The AG-UI message id that was streamed or sent by the client; unique per session. */
    id: text("id").notNull(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    runId: text("run_id"),
    seq: integer("seq").notNull(),
    role: text("role").notNull(),
    content: text("content"),
    /** The original content parts when a user message was multimodal. */
    contentParts: jsonb("content_parts").$type<unknown[]>(),
    toolCalls: jsonb("tool_calls").$type<StoredToolCall[]>(),
    toolCallId: text("tool_call_id"),
    error: text("error"),
    stage: text("stage"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "messages_pkey", columns: [table.sessionId, table.id] }),
    unique("messages_session_seq_key").on(table.sessionId, table.seq),
    check("messages_role_check", sql`${table.role} in ('user', 'assistant', 'tool', 'system')`),
    index("messages_run_idx").on(table.runId),
  ],
);
