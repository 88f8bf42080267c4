import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import { connectTestDatabase } from "./database.js";

export interface MessageRow {
  id: string;
  seq: number;
  role: string;
  content: string | null;
  tool_calls: { id: string; function: { name: string; arguments: string } }[] | null;
  tool_call_id: string | null;
  error: string | null;
  run_id: string | null;
}

export interface AuditRow {
  actor: string;
  action: string;
  run_id: string | null;
  tool_call_id: string | null;
  error_code: string | null;
  payload: Record<string, unknown> | null;
}

export interface ToolExecutionRow {
  idempotency_key: string;
  tool_name: string;
  result: Record<string, unknown>;
  attempts: number;
}

export interface RunRow {
  id: string;
  kind: string;
  status: string;
  parent_run_id: string | null;
  attempts: number;
  error_code: string | null;
}

/** Read-only views of the rows the human-in-the-loop flows write, straight from Postgres. */
export class HitlDatabase {
  private readonly handle: DatabaseHandle = connectTestDatabase(2);

  async messages(sessionId: string): Promise<MessageRow[]> {
    const { rows } = await this.handle.pool.query<MessageRow>(
      `select id, seq, role, content, tool_calls, tool_call_id, error, run_id
         from messages where session_id = $1 order by seq`,
      [sessionId],
    );
    return rows;
  }

  async audit(sessionId: string): Promise<AuditRow[]> {
    const { rows } = await this.handle.pool.query<AuditRow>(
      `select actor, action, run_id, tool_call_id, error_code, payload
         from audit_log where session_id = $1 order by id`,
      [sessionId],
    );
    return rows;
  }

  /** Ledger rows of one tool call, whatever run executed it (key `runId:toolCallId`). */
  async toolExecutions(toolCallId: string): Promise<ToolExecutionRow[]> {
    const { rows } = await this.handle.pool.query<ToolExecutionRow>(
      `select idempotency_key, tool_name, result, attempts
         from tool_executions where right(idempotency_key, length($1) + 1) = ':' || $1
        order by created_at`,
      [toolCallId],
    );
    return rows;
  }

  async runs(sessionId: string): Promise<RunRow[]> {
    const { rows } = await this.handle.pool.query<RunRow>(
      `select id, kind, status, parent_run_id, attempts, error_code
         from runs where session_id = $1 order by created_at, id`,
      [sessionId],
    );
    return rows;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
