import { and, eq, sql } from "drizzle-orm";
import { runs, sessions } from "../../../../models/index.js";
import type { ChatMessage } from "../../application/ports/chat-message.js";
import type { LlmCallRecord } from "../../application/ports/llm-call-record.js";
import type {
  Admission,
  AdmissionCheck,
  AdmissionRequest,
  AuditRecord,
  Checkpoint,
  RunStore,
  RunView,
  SessionView,
} from "../../application/ports/run-store.js";
import { RequestError, VersionConflictError } from "../../domain/errors.js";
import type { Database, Transaction } from "./database.js";
import { DrizzleAuditLogRepository } from "./drizzle-audit-log-repository.js";
import { DrizzleLlmCallRepository, type NewLlmCall } from "./drizzle-llm-call-repository.js";
import { DrizzleMessageRepository } from "./drizzle-message-repository.js";
import { DrizzleRunRepository } from "./drizzle-run-repository.js";
import { DrizzleSessionRepository } from "./drizzle-session-repository.js";
import { toChatMessage, toMessageRow } from "./message-mapping.js";
import { toRunView, toSessionView } from "./run-store-views.js";

/** The `RunStore` port on Postgres: every multi-row write is one transaction. */
export class PostgresRunStore implements RunStore {
  private readonly sessions: DrizzleSessionRepository;
  private readonly runs: DrizzleRunRepository;
  private readonly messages: DrizzleMessageRepository;
  private readonly llmCalls: DrizzleLlmCallRepository;
  private readonly auditLog: DrizzleAuditLogRepository;

  constructor(private readonly db: Database) {
    this.sessions = new DrizzleSessionRepository(db);
    this.runs = new DrizzleRunRepository(db);
    this.messages = new DrizzleMessageRepository(db);
    this.llmCalls = new DrizzleLlmCallRepository(db);
    this.auditLog = new DrizzleAuditLogRepository(db);
  }

  admit(request: AdmissionRequest, check: AdmissionCheck): Promise<Admission> {
    return this.db.transaction(async (transaction) => {
      const replay = await this.findReplay(request, transaction);
      if (replay) return replay;

      let row = await this.sessions.lock(request.sessionId, transaction);
      if (!row) {
        const { session } = await this.sessions.createOrGet(
          {
            id: request.sessionId,
            userId: request.userId,
            workflow: request.workflow,
            now: request.now,
          },
          transaction,
        );
        row = (await this.sessions.lock(session.id, transaction)) ?? session;
      }
      if (row.userId !== request.userId || row.deletedAt !== null) {
        throw new RequestError({
          code: "NOT_FOUND",
          message: `Session ${request.sessionId} not found`,
        });
      }
      const session = toSessionView(row);
      const plan = check(session);

      const { run } = await this.runs.create(
        {
          id: request.runId,
          sessionId: session.id,
          userId: request.userId,
          kind: plan.kind,
          parentRunId: plan.parentRunId ?? null,
          workflow: session.workflow,
          idempotencyKey: request.idempotencyKey ?? null,
          now: request.now,
        },
        transaction,
      );
      const [claimed] = await transaction
        .update(sessions)
        .set({
          status: "queued",
          activeRunId: run.id,
          version: sql`${sessions.version} + 1`,
          updatedAt: request.now,
        })
        .where(eq(sessions.id, session.id))
        .returning({ version: sessions.version });
      return {
        run: toRunView(run),
        session: {
          ...session,
          status: "queued",
          activeRunId: run.id,
          version: claimed?.version ?? session.version + 1,
        },
        replayed: false,
      };
    });
  }

  /** A known run id (or idempotency key) answers with the existing run, never a new one. */
  private async findReplay(
    request: AdmissionRequest,
    transaction: Transaction,
  ): Promise<Admission | undefined> {
    const existing =
      (await this.runs.findById(request.runId, transaction)) ??
      (request.idempotencyKey
        ? await this.runs.findByIdempotencyKey(
            { sessionId: request.sessionId, idempotencyKey: request.idempotencyKey },
            transaction,
          )
        : undefined);
    if (!existing) return undefined;
    if (existing.userId !== request.userId || existing.sessionId !== request.sessionId) {
      throw new RequestError({
        code: "VALIDATION_ERROR",
        message: `runId ${request.runId} is already used by another thread; choose a new runId`,
        details: { field: "runId" },
      });
    }
    const session = await this.sessions.findById(existing.sessionId, transaction);
    if (!session)
      throw new RequestError({
        code: "NOT_FOUND",
        message: `Session ${request.sessionId} not found`,
      });
    return { run: toRunView(existing), session: toSessionView(session), replayed: true };
  }

  async findRun(runId: string): Promise<RunView | undefined> {
    const row = await this.runs.findById(runId);
    return row && toRunView(row);
  }

  async findSession(sessionId: string): Promise<SessionView | undefined> {
    const row = await this.sessions.findById(sessionId);
    return row && toSessionView(row);
  }

  checkpoint(checkpoint: Checkpoint): Promise<number> {
    return this.db.transaction(async (transaction) => {
      const locked = await this.sessions.lock(checkpoint.sessionId, transaction);
      if (!locked || locked.version !== checkpoint.expectedVersion) {
        throw new VersionConflictError({
          message: `session ${checkpoint.sessionId} changed since version ${checkpoint.expectedVersion} was read`,
          details: {
            session_id: checkpoint.sessionId,
            expected_version: checkpoint.expectedVersion,
          },
        });
      }
      const inserted = await this.messages.insertAfter(
        {
          sessionId: checkpoint.sessionId,
          runId: checkpoint.runId,
          messages: (checkpoint.messages ?? []).map(toMessageRow),
          lastSeq: locked.lastSeq,
          skipStored: checkpoint.messagesMayExist === true,
          now: checkpoint.now,
        },
        transaction,
      );
      await this.llmCalls.insert((checkpoint.llmCalls ?? []).map(toLlmCallRow), transaction);
      await this.auditLog.append((checkpoint.audit ?? []).map(toAuditEntry), transaction);
      const [updated] = await transaction
        .update(sessions)
        .set({
          stateSnapshot: checkpoint.snapshot,
          version: locked.version + 1,
          updatedAt: checkpoint.now,
          ...(inserted.length > 0
            ? {
                lastSeq: locked.lastSeq + inserted.length,
                messageCount: locked.messageCount + inserted.length,
              }
            : {}),
          ...(checkpoint.sessionStatus === undefined ? {} : { status: checkpoint.sessionStatus }),
          ...(checkpoint.activeRunId === undefined ? {} : { activeRunId: checkpoint.activeRunId }),
        })
        .where(eq(sessions.id, checkpoint.sessionId))
        .returning({ version: sessions.version });
      await this.updateRun(checkpoint, transaction);
      return updated?.version ?? locked.version + 1;
    });
  }

  private async updateRun(checkpoint: Checkpoint, transaction: Transaction): Promise<void> {
    if (!checkpoint.runStarted && checkpoint.runStatus === undefined) return;
    const terminal =
      checkpoint.runStatus === "succeeded" ||
      checkpoint.runStatus === "failed" ||
      checkpoint.runStatus === "cancelled" ||
      checkpoint.runStatus === "interrupted";
    await transaction
      .update(runs)
      .set({
        ...(checkpoint.runStarted
          ? {
              status: "running",
              attempts: sql`${runs.attempts} + 1`,
              startedAt: sql`coalesce(${runs.startedAt}, ${checkpoint.now})`,
            }
          : {}),
        ...(checkpoint.runStatus === undefined ? {} : { status: checkpoint.runStatus }),
        ...(terminal ? { finishedAt: checkpoint.now } : {}),
        ...(checkpoint.runError
          ? { errorCode: checkpoint.runError.code, errorMessage: checkpoint.runError.message }
          : {}),
      })
      .where(eq(runs.id, checkpoint.runId));
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

  async recordLlmCalls(calls: readonly LlmCallRecord[]): Promise<void> {
    await this.llmCalls.insert(calls.map(toLlmCallRow));
  }

  async audit(records: readonly AuditRecord[]): Promise<void> {
    await this.auditLog.append(records.map(toAuditEntry));
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
}

function toAuditEntry(record: AuditRecord) {
  return {
    actor: record.actor,
    action: record.action,
    sessionId: record.sessionId ?? null,
    runId: record.runId ?? null,
    toolCallId: record.toolCallId ?? null,
    errorCode: record.errorCode ?? null,
    payload: record.payload ?? null,
    occurredAt: record.occurredAt,
  };
}

function toLlmCallRow(call: LlmCallRecord): NewLlmCall {
  return {
    id: call.id,
    runId: call.run_id,
    sessionId: call.session_id,
    agentType: call.agent_type,
    stage: call.stage,
    provider: call.provider,
    modelRequested: call.model_requested,
    modelResponse: call.model_response,
    responseId: call.response_id,
    startedAt: call.started_at,
    firstTokenAt: call.first_token_at,
    endedAt: call.ended_at,
    status: call.status,
    finishReason: call.finish_reason,
    inputTokens: call.input_tokens,
    cacheReadTokens: call.cache_read_tokens,
    cacheWriteTokens: call.cache_write_tokens,
    outputTokens: call.output_tokens,
    reasoningTokens: call.reasoning_tokens,
    totalTokens: call.total_tokens,
    usageRaw: call.usage_raw,
    costUsd: call.cost_usd,
    costSource: call.cost_source,
    error: call.error,
  };
}
