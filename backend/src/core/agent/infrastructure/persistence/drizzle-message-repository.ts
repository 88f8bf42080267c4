import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { messages, type StoredToolCall, sessions } from "../../../../models/index.js";
import type { Database, Executor } from "./database.js";

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

/**
 * Chat history. `append` gives each new message the next gap-free `seq` of its session: it
 * locks the session row, so concurrent appenders queue up instead of racing for numbers, and
 * a rolled-back transaction rolls the counter back with it.
 */
export class DrizzleMessageRepository {
  constructor(private readonly db: Database) {}

  /**
   * Appends messages in order, skipping ids that are already stored (a replayed input or a
   * retried job), and returns the inserted rows with their seq.
   */
  async append(
    input: { sessionId: string; runId: string | null; messages: readonly NewMessage[]; now: Date },
    executor?: Executor,
  ): Promise<MessageRow[]> {
    if (input.messages.length === 0) return [];
    if (!executor) return this.db.transaction((transaction) => this.append(input, transaction));
    const [locked] = await executor
      .select({ lastSeq: sessions.lastSeq })
      .from(sessions)
      .where(eq(sessions.id, input.sessionId))
      .for("update");
    if (!locked)
      throw new Error(`cannot append messages: session ${input.sessionId} does not exist`);
    const inserted = await this.insertAfter(
      { ...input, lastSeq: locked.lastSeq, skipStored: true },
      executor,
    );
    if (inserted.length > 0) {
      await executor
        .update(sessions)
        .set({
          lastSeq: locked.lastSeq + inserted.length,
          messageCount: sql`${sessions.messageCount} + ${inserted.length}`,
          updatedAt: input.now,
        })
        .where(eq(sessions.id, input.sessionId));
    }
    return inserted;
  }

  /**
   * The numbering step of `append`, for callers that already hold the session lock and update
   * the session row themselves (the checkpoint): inserts with seq `lastSeq + 1…` and leaves
   * `sessions` alone. `skipStored` drops ids that exist already.
   */
  async insertAfter(
    input: {
      sessionId: string;
      runId: string | null;
      messages: readonly NewMessage[];
      lastSeq: number;
      skipStored: boolean;
      now: Date;
    },
    executor: Executor,
  ): Promise<MessageRow[]> {
    let fresh = input.messages;
    if (input.skipStored && fresh.length > 0) {
      const stored = await executor
        .select({ id: messages.id })
        .from(messages)
        .where(
          inArray(
            messages.id,
            fresh.map((message) => message.id),
          ),
        );
      const seen = new Set(stored.map((row) => row.id));
      fresh = fresh.filter((message) => {
        if (seen.has(message.id)) return false;
        seen.add(message.id);
        return true;
      });
    }
    if (fresh.length === 0) return [];
    const rows = fresh.map((message, index) => ({
      id: message.id,
      sessionId: input.sessionId,
      runId: input.runId,
      seq: input.lastSeq + index + 1,
      role: message.role,
      content: message.content ?? null,
      contentParts: message.contentParts ?? null,
      toolCalls: message.toolCalls ?? null,
      toolCallId: message.toolCallId ?? null,
      error: message.error ?? null,
      stage: message.stage ?? null,
      createdAt: input.now,
    }));
    return executor.insert(messages).values(rows).returning();
  }

  /** History in seq order, paged by `afterSeq`. */
  async list(
    { sessionId, afterSeq = 0, limit }: { sessionId: string; afterSeq?: number; limit: number },
    executor: Executor = this.db,
  ): Promise<MessageRow[]> {
    return executor
      .select()
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
}
