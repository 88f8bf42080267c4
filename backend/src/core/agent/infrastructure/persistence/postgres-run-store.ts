import { and, eq, inArray, sql } from "drizzle-orm";
import { runs, sessions } from "../../../../models/index.js";
import type { ChatMessage } from "../../application/ports/chat-message.js";
import type { LlmCallRecord } from "../../application/ports/llm-call-record.js";
import type { RunJob } from "../../application/ports/run-job.js";
import type {
  Admission,
  AdmissionCheck,
  AdmissionPlan,
  AdmissionRequest,
  AuditRecord,
  Checkpoint,
  EndRunInput,
  RunStore,
  RunView,
  SessionView,
} from "../../application/ports/run-store.js";
import {
  CheckpointRefusedError,
  RequestError,
  ThreadBusyError,
  VersionConflictError,
} from "../../domain/errors.js";
import { StateSnapshot } from "../../domain/state-snapshot.js";
import { storableJsonText, storableText } from "../../domain/storable-text.js";
import type { Database, DatabaseHandle } from "./database.js";
import { DrizzleAuditLogRepository } from "./drizzle-audit-log-repository.js";
import { DrizzleLlmCallRepository } from "./drizzle-llm-call-repository.js";
import { DrizzleMessageRepository } from "./drizzle-message-repository.js";
import { DrizzleRunRepository } from "./drizzle-run-repository.js";
import { DrizzleSessionRepository } from "./drizzle-session-repository.js";
import {
  ADMISSION_READ,
  checkpointPayload,
  SESSION_CHANGED,
  UNIQUE_VIOLATION,
} from "./hot-path-sql.js";
import { runViewFromJson, sessionViewFromJson } from "./json-row-views.js";
import { toChatMessage } from "./message-mapping.js";
import { isRefusedWrite, sqlStateOf } from "./refused-write.js";
import { toRunView, toSessionView } from "./run-store-views.js";

/** The `RunStore` port on Postgres: every multi-row write is one transaction. */
export class PostgresRunStore implements RunStore {
  private readonly sessions: DrizzleSessionRepository;
  private readonly runs: DrizzleRunRepository;
  private readonly messages: DrizzleMessageRepository;
  private readonly auditLog: DrizzleAuditLogRepository;
  private readonly llmCalls: DrizzleLlmCallRepository;

  private readonly db: Database;
  private readonly pool: DatabaseHandle["pool"];

  constructor({ db, pool }: Pick<DatabaseHandle, "db" | "pool">) {
    this.db = db;
    this.pool = pool;
    this.sessions = new DrizzleSessionRepository(db);
    this.runs = new DrizzleRunRepository(db);
    this.messages = new DrizzleMessageRepository(db);
    this.auditLog = new DrizzleAuditLogRepository(db);
    this.llmCalls = new DrizzleLlmCallRepository(db);
  }

  /**
   * Optimistic, two round trips: read the session and any run with this id (or idempotency
   * key), decide in the caller's check, then `agent_admit` writes the run and claims the
   * session only if the session is unchanged; a lost race reads again.
   */
  async admit(request: AdmissionRequest, check: AdmissionCheck): Promise<Admission> {
    if (request.plainTurn) {
      const admitted = await this.admitPlainTurn(request, check);
      if (admitted) return admitted;
    }
    for (let attempt = 1; ; attempt++) {
      const { rows } = await this.pool.query<{
        session: JsonRow | null;
        run: JsonRow | null;
      }>({
        name: "agent_admission_read",
        text: ADMISSION_READ,
        values: [
          request.userId,
          request.threadId,
          request.clientRunId,
          request.idempotencyKey ?? null,
        ],
      });
      const read = rows[0];
      let superseding: RunView | undefined;
      if (read?.run) {
        const known = runViewFromJson(read.run);
        if (!answersWaitingCalls(request, known, read.session, check))
          return replayOf(request, known, read.session);
        superseding = known;
      }
      if (read?.session && read.session.deleted_at !== null) {
        throw new RequestError({
          code: "NOT_FOUND",
          message: `Session ${request.threadId} not found`,
        });
      }
      const existing = read?.session ? sessionViewFromJson(read.session) : undefined;
      const session = existing ?? newSessionView(request);
      const plan = check(session);
      try {
        const admitted = await this.writeAdmission(
          superseding,
          JSON.stringify({
            session_id: existing ? existing.id : null,
            thread_id: request.threadId,
            user_id: request.userId,
            workflow: session.workflow,
            expected_version: existing ? existing.version : null,
            client_run_id: request.clientRunId,
            kind: plan.kind,
            parent_client_run_id: plan.parentRunId ?? null,
            idempotency_key: request.idempotencyKey ?? null,
            now: request.now.toISOString(),
          }),
        );
        return {
          run: admittedRun({
            request,
            plan,
            workflow: session.workflow,
            runId: admitted.run_id,
            sessionId: admitted.session_id,
          }),
          session: {
            ...session,
            id: admitted.session_id,
            status: "queued",
            activeRunId: admitted.run_id,
            activeClientRunId: request.clientRunId,
            version: admitted.version,
          },
          replayed: false,
        };
      } catch (error) {
        const code = (error as { code?: string }).code;
        // The session changed since it was read, or the same run id raced us: read again.
        if (
          (code === SESSION_CHANGED || code === UNIQUE_VIOLATION) &&
          attempt < MAX_ADMISSION_ATTEMPTS
        )
          continue;
        if (code === SESSION_CHANGED) {
          throw new VersionConflictError({
            message: `Session ${request.threadId} keeps changing; try again`,
            cause: error,
          });
        }
        throw error;
      }
    }
  }

  /**
   * `agent_admit`; with `superseding`, in one transaction with marking that run superseded, so
   * the new turn takes its client run id (a concurrent change of that run reads again).
   */
  private async writeAdmission(
    superseding: RunView | undefined,
    payload: string,
  ): Promise<AdmitResult> {
    if (!superseding) {
      const { rows } = await this.pool.query<{ admitted: AdmitResult }>({
        name: "agent_admit",
        text: "select agent_admit($1::jsonb) as admitted",
        values: [payload],
      });
      if (!rows[0]?.admitted) throw new Error("agent_admit returned nothing");
      return rows[0].admitted;
    }
    const client = await this.pool.connect();
    try {
      await client.query("begin");
      const marked = await client.query(
        `update runs set superseded_at = now()
          where id = $1 and superseded_at is null and status not in ('queued', 'running')`,
        [superseding.id],
      );
      if (marked.rowCount !== 1) {
        throw Object.assign(new Error("the superseded run changed"), { code: SESSION_CHANGED });
      }
      const { rows } = await client.query<{ admitted: AdmitResult }>(
        "select agent_admit($1::jsonb) as admitted",
        [payload],
      );
      await client.query("commit");
      if (!rows[0]?.admitted) throw new Error("agent_admit returned nothing");
      return rows[0].admitted;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The one-round-trip path (`agent_admit_turn`); undefined when the general path must decide. */
  private async admitPlainTurn(
    request: AdmissionRequest,
    check: AdmissionCheck,
  ): Promise<Admission | undefined> {
    let result: AdmitTurnResult | undefined;
    try {
      const { rows } = await this.pool.query<{ result: AdmitTurnResult }>({
        name: "agent_admit_turn",
        text: "select agent_admit_turn($1::jsonb) as result",
        values: [
          JSON.stringify({
            thread_id: request.threadId,
            user_id: request.userId,
            workflow: request.workflow,
            client_run_id: request.clientRunId,
            idempotency_key: request.idempotencyKey ?? null,
            now: request.now.toISOString(),
          }),
        ],
      });
      result = rows[0]?.result;
    } catch (error) {
      // The same run id raced us: the general path answers with the replay.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
      throw error;
    }
    // The thread's own run is active: the refusal the general path would give, without it.
    if (result?.outcome === "busy") {
      throw new ThreadBusyError({
        message: `Thread ${request.threadId} already has an active run (${result.active_run_id})`,
        details: { active_run_id: result.active_run_id },
      });
    }
    if (result?.outcome !== "admitted") return undefined;
    const session: SessionView = {
      ...newSessionView(request),
      id: result.session_id,
      workflow: result.workflow,
      messageCount: result.message_count,
      lastSeq: result.last_seq,
      createdAt: new Date(result.created_at),
    };
    // Nothing waits on this thread (the function checked), so the plan is a plain run.
    const plan = check(session);
    return {
      run: admittedRun({
        request,
        plan,
        workflow: result.workflow,
        runId: result.run_id,
        sessionId: result.session_id,
      }),
      session: {
        ...session,
        status: "queued",
        activeRunId: result.run_id,
        activeClientRunId: request.clientRunId,
        version: result.version,
      },
      replayed: false,
    };
  }

  async findRun(runId: string): Promise<RunView | undefined> {
    const row = await this.runs.findById(runId);
    return row && toRunView(row);
  }

  async findClientRun({
    userId,
    clientRunId,
  }: {
    userId: string;
    clientRunId: string;
  }): Promise<RunView | undefined> {
    const row = await this.runs.findForUser({ userId, clientRunId });
    return row && toRunView(row);
  }

  async findSession(sessionId: string): Promise<SessionView | undefined> {
    const row = await this.sessions.findById(sessionId);
    return row && toSessionView(row);
  }

  /** One round trip (`agent_pick_up`): marks the run running and reads it with its session. */
  async pickUp({ runId, now }: { runId: string; now: Date }) {
    const { rows } = await this.pool.query<{
      picked: { run: JsonRow; session: JsonRow | null } | null;
    }>({
      name: "agent_pick_up",
      text: "select agent_pick_up($1, $2::timestamptz) as picked",
      values: [runId, now.toISOString()],
    });
    const picked = rows[0]?.picked;
    if (!picked?.session) return undefined;
    return { run: runViewFromJson(picked.run), session: sessionViewFromJson(picked.session) };
  }

  /** One round trip: `agent_checkpoint` runs the whole transaction server-side. */
  async checkpoint(checkpoint: Checkpoint): Promise<number> {
    try {
      const text = storableJsonText(checkpointPayload(checkpoint));
      const { rows } = await this.pool.query<{ version: number }>({
        name: "agent_checkpoint",
        text: "select agent_checkpoint($1::jsonb) as version",
        values: [text],
      });
      return rows[0]?.version ?? checkpoint.expectedVersion + 1;
    } catch (error) {
      if ((error as { code?: string }).code === SESSION_CHANGED) {
        throw new VersionConflictError({
          message: `session ${checkpoint.sessionId} changed since version ${checkpoint.expectedVersion} was read`,
          details: {
            session_id: checkpoint.sessionId,
            expected_version: checkpoint.expectedVersion,
          },
          cause: error,
        });
      }
      if (isRefusedWrite(error)) throw checkpointRefused(error);
      throw error;
    }
  }

  /**
   * The terminal write of a run whose checkpoint Postgres refused: only what cannot be refused
   * for the same reason (the run's status and a fixed-form error, the session's release, an
   * audit row; the LLM calls when they are storable) in one transaction. Writes nothing when
   * the run already ended; releases the session only if this run holds it.
   */
  async endRun({
    sessionId,
    runId,
    sessionStatus,
    error,
    llmCalls,
    now,
  }: EndRunInput): Promise<void> {
    const write = (calls: readonly LlmCallRecord[]) =>
      this.db.transaction(async (transaction) => {
        const ended = await transaction
          .update(runs)
          .set({
            status: "failed",
            errorCode: error.code,
            errorMessage: storableText(error.message),
            finishedAt: now,
          })
          .where(and(eq(runs.id, runId), inArray(runs.status, ["queued", "running"])))
          .returning({ id: runs.id });
        if (ended.length === 0) return;
        await this.llmCalls.insert(calls, transaction);
        await transaction
          .update(sessions)
          .set({
            activeRunId: null,
            status: sessionStatus,
            version: sql`${sessions.version} + 1`,
            updatedAt: now,
          })
          .where(and(eq(sessions.id, sessionId), eq(sessions.activeRunId, runId)));
        await this.auditLog.append(
          [
            {
              actor: "system",
              action: "run.checkpoint_refused",
              sessionId,
              runId,
              errorCode: error.code,
              payload: { message: error.message, llm_calls: calls.length },
              occurredAt: now,
            },
          ],
          transaction,
        );
      });
    try {
      await write(llmCalls);
    } catch (failure) {
      // The calls themselves may be what Postgres refuses (a reported cost out of range).
      if (llmCalls.length === 0 || !isRefusedWrite(failure)) throw failure;
      await write([]);
    }
  }

  async history({
    sessionId,
    limit,
  }: {
    sessionId: string;
    limit: number;
  }): Promise<ChatMessage[]> {
    const rows = await this.messages.listLatest({ sessionId, limit });
    return rows.map(toChatMessage);
  }

  async runMessages({
    sessionId,
    runId,
  }: {
    sessionId: string;
    runId: string;
  }): Promise<ChatMessage[]> {
    const rows = await this.messages.listOfRun({ sessionId, runId });
    return rows.map(toChatMessage);
  }

  async audit(records: readonly AuditRecord[]): Promise<void> {
    await this.auditLog.append(records);
  }

  async abandonAdmission({
    runId,
    sessionId,
    message,
    now,
  }: {
    runId: string;
    sessionId: string;
    message: string;
    now: Date;
  }): Promise<void> {
    await this.db.transaction(async (transaction) => {
      await this.runs.finish(
        { id: runId, status: "failed", errorCode: "INTERNAL", errorMessage: message, now },
        transaction,
      );
      await transaction
        .update(sessions)
        .set({
          activeRunId: null,
          status: "failed",
          version: sql`${sessions.version} + 1`,
          updatedAt: now,
        })
        .where(and(eq(sessions.id, sessionId), eq(sessions.activeRunId, runId)));
    });
  }

  async failRun({
    runId,
    code,
    message,
    now,
  }: {
    runId: string;
    code: string;
    message: string;
    now: Date;
  }) {
    await this.runs.finish({
      id: runId,
      status: "failed",
      errorCode: code,
      errorMessage: message,
      now,
    });
  }

  async requestCancel({ runId, now }: { runId: string; now: Date }): Promise<RunView | undefined> {
    const row = await this.runs.requestCancel({ id: runId, now });
    return row && toRunView(row);
  }

  async recordInput({ runId, input }: { runId: string; input: RunJob }): Promise<void> {
    const { traceContext: _traceContext, ...stored } = input;
    await this.pool.query({
      name: "agent_record_run_input",
      text: "update runs set input = $2::jsonb where id = $1",
      values: [runId, JSON.stringify(stored)],
    });
  }

  async storedInput(runId: string): Promise<RunJob | undefined> {
    const { rows } = await this.pool.query<{ input: RunJob | null }>(
      "select input from runs where id = $1",
      [runId],
    );
    return rows[0]?.input ?? undefined;
  }
}

type JsonRow = Record<string, unknown>;
type AdmitTurnResult =
  | { outcome: "slow" }
  | { outcome: "busy"; active_run_id: string }
  | {
      outcome: "admitted";
      version: number;
      message_count: number;
      last_seq: number;
      workflow: string;
      created_at: string;
      session_id: string;
      run_id: string;
    };
/** What agent_admit answers: the session's new version and the storage ids. */
type AdmitResult = { version: number; session_id: string; run_id: string };
const MAX_ADMISSION_ATTEMPTS = 5;

/**
 * A repeated run id with new content is a new turn, not a replay (CopilotKit's useInterrupt
 * resumes with the interrupted run's runId): the request answers calls the thread is waiting
 * for, on the thread of that run, which is over. The same request again finds the new run
 * (which consumed the answers) and is a replay of it.
 */
function answersWaitingCalls(
  request: AdmissionRequest,
  known: RunView,
  session: JsonRow | null,
  check: AdmissionCheck,
): boolean {
  if (!request.answersCalls || !session || known.sessionId !== session.id) return false;
  if (known.status === "queued" || known.status === "running") return false;
  try {
    return check(sessionViewFromJson(session)).kind === "resume";
  } catch {
    // Not an answer to anything waiting (already answered: the replay of an earlier request).
    return false;
  }
}

/**
 * A run id the user already used answers with that run, never a new one: a replay on the same
 * thread; a refusal on another of the user's threads (run ids are unique per user). Other
 * users' run ids are never seen here.
 */
function replayOf(request: AdmissionRequest, run: RunView, session: JsonRow | null): Admission {
  if (!session || run.sessionId !== session.id) {
    throw new RequestError({
      code: "VALIDATION_ERROR",
      message: `runId ${request.clientRunId} is already used by another of your threads; choose a new runId`,
      details: { field: "runId" },
    });
  }
  return { run, session: sessionViewFromJson(session), replayed: true };
}

function checkpointRefused(error: unknown): CheckpointRefusedError {
  const state = sqlStateOf(error);
  // Postgres's own message names the problem, never the data ("invalid byte sequence…").
  const reason = (error as { message?: string }).message?.slice(0, 200) ?? "unknown";
  return new CheckpointRefusedError({
    message: `Postgres refused to store the run's progress (SQLSTATE ${state}: ${reason})`,
    details: { sqlstate: state },
    cause: error,
  });
}

function emptyUsage() {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: "0",
    llmCallCount: 0,
  };
}

/** A session the admission may create; its storage id is known once it is written. */
function newSessionView(request: AdmissionRequest): SessionView {
  return {
    id: "",
    threadId: request.threadId,
    userId: request.userId,
    workflow: request.workflow,
    status: "idle",
    activeRunId: null,
    activeClientRunId: null,
    version: 0,
    snapshot: StateSnapshot.new(),
    messageCount: 0,
    lastSeq: 0,
    usage: emptyUsage(),
    createdAt: request.now,
    updatedAt: request.now,
  };
}

function admittedRun({
  request,
  plan,
  workflow,
  runId,
  sessionId,
}: {
  request: AdmissionRequest;
  plan: AdmissionPlan;
  workflow: string;
  runId: string;
  sessionId: string;
}): RunView {
  return {
    id: runId,
    clientRunId: request.clientRunId,
    sessionId,
    threadId: request.threadId,
    userId: request.userId,
    kind: plan.kind,
    // The parent's storage id is not read back: answers and events use its client id.
    parentRunId: null,
    parentClientRunId: plan.parentRunId ?? null,
    workflow,
    status: "queued",
    errorCode: null,
    errorMessage: null,
    attempts: 0,
    cancelRequested: false,
    usage: emptyUsage(),
    createdAt: request.now,
    startedAt: null,
    finishedAt: null,
  };
}
