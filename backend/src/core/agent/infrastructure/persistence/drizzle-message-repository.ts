import { and, asc, eq, getTableColumns, gt, inArray, sql } from "drizzle-orm";
import { messages, type StoredToolCall } from "../../../../models/index.js";
import { RequestError } from "../../domain/errors.js";
import { storableJsonText } from "../../domain/storable-text.js";
import type { Database, Executor } from "./database.js";

/** SQLSTATE agent_append_messages raises for an unknown session. */
const SESSION_MISSING = "AR404";

export type MessageRow = typeof messages.$inferSelect;
export type MessageRole = "user" | "assistant" | "tool" | "system";

export interface NewMessage {
  id: string;
  role: MessageRole;
  content?: string | null;
  contentParts?: unknown[] | null;
  toolCalls?: StoredToolCall[] | null;
  toolCallId?: string | null;
  error?: string | null;
  stage?: string | null;
}

/** The JSON a message has in `agent_append_messages` / `agent_checkpoint` payloads. */
export function messagePayload(message: NewMessage) {
  return {
    id: message.id,
    role: message.role,
    content: message.content ?? null,
    content_parts: message.contentParts ?? null,
    tool_calls: message.toolCalls ?? null,
    tool_call_id: message.toolCallId ?? null,
    error: message.error ?? null,
    stage: message.stage ?? null,
  };
}

/**
 * Chat history. Appending is `agent_append_messages` (migrations/0002_hot_path_functions.sql), the same function every
 * checkpoint uses: it gives each new message the next gap-free `seq` of its session by locking
 * the session row, so concurrent appenders queue up instead of racing for numbers, and a
 * rolled-back transaction rolls the counter back with it.
 */
export class DrizzleMessageRepository {
  constructor(private readonly db: Database) {}

  /**
   * Appends messages in order, skipping ids that are already stored (a replayed input or a
   * retried job), and returns the inserted rows with their seq.
   */
  async append(
    input: { sessionId: string; runId: string | null; messages: readonly NewMessage[]; now: Date },
    executor: Executor = this.db,
  ): Promise<MessageRow[]> {
    if (input.messages.length === 0) return [];
    const inserted = await executor
      .execute<{ id: string }>(sql`
        select id from agent_append_messages(
          ${input.sessionId}, ${input.runId}, ${storableJsonText(input.messages.map(messagePayload))}::jsonb,
          true, ${input.now.toISOString()}::timestamptz)`)
      .catch((error: unknown) => {
        // drizzle wraps the driver's error; the function's SQLSTATE is on the cause.
        if ((error as { cause?: { code?: string } }).cause?.code === SESSION_MISSING) {
          throw new RequestError({
            code: "NOT_FOUND",
            message: `cannot append messages: session ${input.sessionId} does not exist`,
            cause: error,
          });
        }
        throw error;
      });
    const ids = inserted.rows.map((row) => row.id);
    if (ids.length === 0) return [];
    return executor
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, input.sessionId), inArray(messages.id, ids)))
      .orderBy(asc(messages.seq));
  }

  /** History in seq order, paged by `afterSeq`. */
  async list(
    { sessionId, afterSeq = 0, limit }: { sessionId: string; afterSeq?: number; limit: number },
    executor: Executor = this.db,
  ): Promise<(MessageRow & { clientRunId: string | null })[]> {
    return executor
      .select({
        ...getTableColumns(messages),
        // The run that wrote each message, as its client names it (for answers).
        clientRunId: sql<
          string | null
        >`(select r.client_run_id from runs r where r.id = ${messages.runId})`,
      })
      .from(messages)
      .where(and(eq(messages.sessionId, sessionId), gt(messages.seq, afterSeq)))
      .orderBy(asc(messages.seq))
      .limit(limit);
  }

  /** The most recent `limit` messages, oldest first (the model's history window). */
  async listLatest(
    { sessionId, limit }: { sessionId: string; limit: number },
    executor: Executor = this.db,
  ): Promise<MessageRow[]> {
    const rows = await executor
      .select()
      .from(messages)
      .where(eq(messages.sessionId, sessionId))
      .orderBy(sql`${messages.seq} desc`)
      .limit(limit);
    return rows.reverse();
  }

  /** The messages one run stored, in `seq` order. */
  async listOfRun(
    { sessionId, runId }: { sessionId: string; runId: string },
    executor: Executor = this.db,
  ): Promise<MessageRow[]> {
    return executor
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, sessionId), eq(messages.runId, runId)))
      .orderBy(messages.seq);
  }
}
