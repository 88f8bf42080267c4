import type { RunErrorCode } from "../../domain/errors.js";
import type { RunStatus, SessionStatus } from "../../domain/run-status.js";
import type { StateSnapshot } from "../../domain/state-snapshot.js";
import type { ChatMessage } from "./chat-message.js";
import type { LlmCallRecord } from "./llm-call-record.js";
import type { RunJob } from "./run-job.js";

/*
 * Ids: `id`, `sessionId`, `runId`, `activeRunId`, `parentRunId` are storage ids (primary keys,
 * BullMQ job ids, Redis keys). The client names a session by its `threadId` and a run by its
 * `clientRunId`, both unique per user; answers and events carry those. See
 * migrations/0010_owner_scoped_ids.sql.
 */
export interface SessionView {
  id: string;
  /** The client's AG-UI threadId. */
  threadId: string;
  userId: string;
  workflow: string;
  status: SessionStatus;
  activeRunId: string | null;
  /** The active run as the client names it. */
  activeClientRunId: string | null;
  version: number;
  snapshot: StateSnapshot;
  messageCount: number;
  lastSeq: number;
  usage: UsageTotals;
  createdAt: Date;
  updatedAt: Date;
}

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  costUsd: string;
  llmCallCount: number;
}

export interface RunView {
  id: string;
  /** The client's AG-UI runId. */
  clientRunId: string;
  sessionId: string;
  /** The session's AG-UI threadId. */
  threadId: string;
  userId: string;
  kind: "run" | "resume";
  parentRunId: string | null;
  parentClientRunId: string | null;
  workflow: string;
  status: RunStatus;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  cancelRequested: boolean;
  usage: UsageTotals;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A message to persist, in AG-UI shape plus the stage that produced it. */
export type NewChatMessage = ChatMessage & { stage?: string };

export interface AuditRecord {
  actor: string;
  action: string;
  sessionId?: string;
  runId?: string;
  toolCallId?: string;
  errorCode?: string;
  payload?: Record<string, unknown>;
  occurredAt: Date;
}

export interface AdmissionRequest {
  /** The client's runId (unique per user). */
  clientRunId: string;
  /** The client's threadId (unique per user). */
  threadId: string;
  userId: string;
  /** Workflow of a session created by this request. */
  workflow: string;
  idempotencyKey?: string;
  /**
   * The request answers no tool call (no tool messages, no resume entries): when the thread
   * needs no decision either, it can be admitted in one round trip.
   */
  plainTurn?: boolean;
  /**
   * The request carries resume entries or tool results: with a runId already used on the
   * thread, it is a new turn when it answers calls the thread is waiting for.
   */
  answersCalls?: boolean;
  now: Date;
}

/** What the admission check decided the new run is. */
export interface AdmissionPlan {
  kind: "run" | "resume";
  /** The run this one continues, by its client id (the snapshot's cursor). */
  parentRunId?: string;
}

/**
 * Runs inside the admission transaction with the session row locked and decides what the
 * run is; throws to refuse (the transaction then rolls back, a session created by this
 * request included).
 */
export type AdmissionCheck = (session: SessionView) => AdmissionPlan;

export interface Admission {
  run: RunView;
  session: SessionView;
  /** The run id (or idempotency key) was already known: nothing new was created. */
  replayed: boolean;
}

/** Everything one checkpoint writes, atomically (ARCHITECTURE.md §5). */
export interface Checkpoint {
  sessionId: string;
  runId: string;
  expectedVersion: number;
  snapshot: StateSnapshot;
  sessionStatus?: SessionStatus;
  /** `null` releases the session's run lock. */
  activeRunId?: string | null;
  messages?: readonly NewChatMessage[];
  llmCalls?: readonly LlmCallRecord[];
  audit?: readonly AuditRecord[];
  /** A worker picked the run up: status running, attempts + 1, started_at set once. */
  runStarted?: boolean;
  runStatus?: RunStatus;
  runError?: { code: string; message: string };
  /**
   * Messages whose ids came from the client may already be stored (a replayed input); only
   * those are checked. Ids the worker minted are new by construction.
   */
  messagesMayExist?: boolean;
  now: Date;
}

/** The terminal write of a run whose checkpoint was refused (`RunStore.endRun`). */
export interface EndRunInput {
  sessionId: string;
  runId: string;
  sessionStatus: SessionStatus;
  error: { code: RunErrorCode; message: string };
  /** The calls the refused write would have recorded (metering is kept when possible). */
  llmCalls: readonly LlmCallRecord[];
  now: Date;
}

/** Postgres behind the use cases: transactional writes and the reads they need. */
export interface RunStore {
  /** Creates the session on first use, then the run, and claims the session for it. */
  admit(request: AdmissionRequest, check: AdmissionCheck): Promise<Admission>;
  findRun(runId: string): Promise<RunView | undefined>;
  /** A run of `userId` by its client id. */
  findClientRun(input: { userId: string; clientRunId: string }): Promise<RunView | undefined>;
  findSession(sessionId: string): Promise<SessionView | undefined>;
  /**
   * A worker's pick-up, in one round trip: marks a queued or running run `running` (attempts
   * + 1) and returns it with its session; undefined when the run is not queued or running.
   */
  pickUp(input: {
    runId: string;
    now: Date;
  }): Promise<{ run: RunView; session: SessionView } | undefined>;
  /**
   * Writes one checkpoint in one transaction; returns the session's new version. Text is
   * stored by the storable-text rule (domain/storable-text.ts); a write Postgres refuses for
   * its content throws `CheckpointRefusedError`.
   */
  checkpoint(checkpoint: Checkpoint): Promise<number>;
  /**
   * Ends a run without its snapshot or messages (the write that cannot fail for the reason a
   * checkpoint did): run failed, session released, an audit row.
   */
  endRun(input: EndRunInput): Promise<void>;
  /** The latest `limit` messages of the session, oldest first. */
  history(input: { sessionId: string; limit: number }): Promise<ChatMessage[]>;
  /** The messages one run stored, oldest first (what a crashed attempt committed). */
  runMessages(input: { sessionId: string; runId: string }): Promise<ChatMessage[]>;
  audit(records: readonly AuditRecord[]): Promise<void>;
  /** Undoes an admission whose job could not be enqueued: run failed, session released. */
  abandonAdmission(input: {
    runId: string;
    sessionId: string;
    message: string;
    now: Date;
  }): Promise<void>;
  /** Marks a run failed without touching its session (a run that lost its session). */
  failRun(input: { runId: string; code: string; message: string; now: Date }): Promise<void>;
  /** Sets the cancel flag; returns the run as it is now. */
  requestCancel(input: { runId: string; now: Date }): Promise<RunView | undefined>;
  /** Stores the admitted turn, so the run can be queued again from Postgres alone. */
  recordInput(input: { runId: string; input: RunJob }): Promise<void>;
  /** The admitted turn as `recordInput` stored it (undefined: not stored). */
  storedInput(runId: string): Promise<RunJob | undefined>;
}
