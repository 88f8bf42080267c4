import { asc, eq } from "drizzle-orm";
import { auditLog } from "../../../../models/index.js";
import { storableJson } from "../../domain/storable-text.js";
import type { Database, Executor } from "./database.js";

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditEntry {
  actor: string;
  action: string;
  sessionId?: string | null;
  runId?: string | null;
  toolCallId?: string | null;
  errorCode?: string | null;
  payload?: Record<string, unknown> | null;
  occurredAt: Date;
}

/** Append-only audit trail: approvals, rejections, expiries, correlation errors, cancels. */
export class DrizzleAuditLogRepository {
  constructor(private readonly db: Database) {}

  async append(entries: readonly AuditEntry[], executor: Executor = this.db): Promise<void> {
    if (entries.length === 0) return;
    await executor.insert(auditLog).values(
      storableJson(entries).map((entry) => ({
        actor: entry.actor,
        action: entry.action,
        sessionId: entry.sessionId ?? null,
        runId: entry.runId ?? null,
        toolCallId: entry.toolCallId ?? null,
        errorCode: entry.errorCode ?? null,
        payload: entry.payload ?? null,
        occurredAt: entry.occurredAt,
      })),
    );
  }

  async listForSession(sessionId: string, executor: Executor = this.db): Promise<AuditRow[]> {
    return executor
      .select()
      .from(auditLog)
      .where(eq(auditLog.sessionId, sessionId))
      .orderBy(asc(auditLog.id));
  }
}
