import type { ChatMessage } from "./chat-message.js";
import type { RunView, SessionView } from "./run-store.js";

export interface StoredChatMessage {
  seq: number;
  runId: string | null;
  stage: string | null;
  createdAt: Date;
  message: ChatMessage;
}

/**
 * Reads behind the GET routes; every read is scoped to the calling user. `findSession` and
 * `findRun` take the client's ids (threadId, runId: unique per user, so another user's are
 * simply not found); the others take storage ids of what those returned.
 */
export interface ConversationQueries {
  listSessions(input: { userId: string; limit: number; offset: number }): Promise<SessionView[]>;
  findSession(input: { sessionId: string; userId: string }): Promise<SessionView | undefined>;
  findRun(input: { runId: string; userId: string }): Promise<RunView | undefined>;
  /** Each message's `runId` is the client's id of the run that wrote it. */
  listMessages(input: {
    sessionId: string;
    afterSeq: number;
    limit: number;
  }): Promise<StoredChatMessage[]>;
  /** Hides the session from its owner (soft delete); false when there was nothing to delete. */
  deleteSession(input: { sessionId: string; userId: string; now: Date }): Promise<boolean>;
}
