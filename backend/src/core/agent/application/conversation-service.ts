import { RequestError, ThreadBusyError } from "../domain/errors.js";
import type { AgentCatalog, AgentCatalogDescription } from "./ports/agent-catalog.js";
import type { Clock } from "./ports/clock.js";
import type { ConversationQueries, StoredChatMessage } from "./ports/conversation-queries.js";
import type { FollowInput, RunEventStream, StoredRunEvent } from "./ports/run-event-stream.js";
import type { RunStore, RunView, SessionView } from "./ports/run-store.js";
import { recordedEnding } from "./recorded-ending.js";

/** The read side of the api: runs, sessions, history, a run's event stream, the agents. */
export class ConversationService {
  constructor(
    private readonly dependencies: {
      queries: ConversationQueries;
      events: RunEventStream;
      catalog: AgentCatalog;
      clock: Clock;
      /** The record a follower's terminal event comes from when the run's stream is gone. */
      record: Pick<RunStore, "findRun" | "findSession" | "history">;
      legacyInterruptEvent: boolean;
    },
  ) {}

  async run({ runId, userId }: { runId: string; userId: string }): Promise<RunView> {
    const run = await this.dependencies.queries.findRun({ runId, userId });
    if (!run) throw new RequestError({ code: "NOT_FOUND", message: `Run ${runId} not found` });
    return run;
  }

  sessions(input: { userId: string; limit: number; offset: number }): Promise<SessionView[]> {
    return this.dependencies.queries.listSessions(input);
  }

  async session({
    sessionId,
    userId,
  }: {
    sessionId: string;
    userId: string;
  }): Promise<SessionView> {
    const session = await this.dependencies.queries.findSession({ sessionId, userId });
    if (!session)
      throw new RequestError({ code: "NOT_FOUND", message: `Session ${sessionId} not found` });
    return session;
  }

  async messages(input: {
    sessionId: string;
    userId: string;
    afterSeq: number;
    limit: number;
  }): Promise<StoredChatMessage[]> {
    await this.session(input);
    return this.dependencies.queries.listMessages(input);
  }

  async deleteSession({ sessionId, userId }: { sessionId: string; userId: string }): Promise<void> {
    const session = await this.session({ sessionId, userId });
    if (session.activeRunId) {
      throw new ThreadBusyError({
        message: `Session ${sessionId} has an active run (${session.activeRunId}); cancel it first`,
        details: { active_run_id: session.activeRunId },
      });
    }
    await this.dependencies.queries.deleteSession({
      sessionId,
      userId,
      now: this.dependencies.clock(),
    });
  }

  /**
   * A run's events from the start or after `after`, until its terminal event (check access
   * first); the terminal event comes from the record when the run's stream is gone.
   */
  follow(input: Omit<FollowInput, "recordedEnding">): AsyncIterable<StoredRunEvent[]> {
    const { record, legacyInterruptEvent } = this.dependencies;
    return this.dependencies.events.follow({
      ...input,
      recordedEnding: () =>
        recordedEnding({ store: record, runId: input.runId, legacyInterruptEvent }),
    });
  }

  agents(): Promise<AgentCatalogDescription> {
    return this.dependencies.catalog.describe();
  }
}
