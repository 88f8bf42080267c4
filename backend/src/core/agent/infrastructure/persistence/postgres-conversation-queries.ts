import type {
  ConversationQueries,
  StoredChatMessage,
} from "../../application/ports/conversation-queries.js";
import type { RunView, SessionView } from "../../application/ports/run-store.js";
import type { Database } from "./database.js";
import { DrizzleMessageRepository } from "./drizzle-message-repository.js";
import { DrizzleRunRepository } from "./drizzle-run-repository.js";
import { DrizzleSessionRepository } from "./drizzle-session-repository.js";
import { toChatMessage } from "./message-mapping.js";
import { toRunView, toSessionView } from "./run-store-views.js";

/** The GET routes' reads on Postgres. */
export class PostgresConversationQueries implements ConversationQueries {
  private readonly sessions: DrizzleSessionRepository;
  private readonly runs: DrizzleRunRepository;
  private readonly messages: DrizzleMessageRepository;

  constructor(db: Database) {
    this.sessions = new DrizzleSessionRepository(db);
    this.runs = new DrizzleRunRepository(db);
    this.messages = new DrizzleMessageRepository(db);
  }

  async listSessions(input: {
    userId: string;
    limit: number;
    offset: number;
  }): Promise<SessionView[]> {
    return (await this.sessions.listForUser(input)).map(toSessionView);
  }

  async findSession({ sessionId, userId }: { sessionId: string; userId: string }) {
    const row = await this.sessions.findForUser({ threadId: sessionId, userId });
    return row && toSessionView(row);
  }

  async findRun({
    runId,
    userId,
  }: {
    runId: string;
    userId: string;
  }): Promise<RunView | undefined> {
    const row = await this.runs.findForUser({ clientRunId: runId, userId });
    return row && toRunView(row);
  }

  async listMessages(input: {
    sessionId: string;
    afterSeq: number;
    limit: number;
  }): Promise<StoredChatMessage[]> {
    const rows = await this.messages.list(input);
    return rows.map((row) => ({
      seq: row.seq,
      runId: row.clientRunId ?? row.runId,
      stage: row.stage,
      createdAt: row.createdAt,
      message: toChatMessage(row),
    }));
  }

  deleteSession({ sessionId, userId, now }: { sessionId: string; userId: string; now: Date }) {
    return this.sessions.softDelete({ id: sessionId, userId, now });
  }
}
