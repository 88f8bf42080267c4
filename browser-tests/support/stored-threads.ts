import { connectTestDatabase } from "../../backend/tests/support/database.js";

export interface StoredMessage {
  role: string;
  content: string | null;
  tool_call_id: string | null;
  tool_calls: { id: string; function: { name: string; arguments: string } }[] | null;
}

/**
 * What Postgres stored for a conversation the browser drove: the page picks its own thread ids,
 * so a thread is found by the scripted conversation's tag in its user text.
 */
export class StoredThreads {
  private readonly handle = connectTestDatabase(2);

  async threadOf(tag: string): Promise<string> {
    const { rows } = await this.handle.pool.query<{ session_id: string }>(
      `select session_id from messages where role = 'user' and content like $1 limit 1`,
      [`%${tag}%`],
    );
    const [row] = rows;
    if (!row) throw new Error(`no stored thread has the tag ${tag}`);
    return row.session_id;
  }

  async messages(tag: string): Promise<StoredMessage[]> {
    const { rows } = await this.handle.pool.query<StoredMessage>(
      `select role, content, tool_call_id, tool_calls from messages
        where session_id = $1 order by seq`,
      [await this.threadOf(tag)],
    );
    return rows;
  }

  /** Results the backend's tool ledger recorded for a tool (by name), in this thread. */
  async executions(tag: string, toolName: string): Promise<Record<string, unknown>[]> {
    const { rows } = await this.handle.pool.query<{ result: Record<string, unknown> }>(
      `select e.result from tool_executions e
        join runs r on e.idempotency_key like r.id || ':%'
       where r.session_id = $1 and e.tool_name = $2 order by e.created_at`,
      [await this.threadOf(tag), toolName],
    );
    return rows.map((row) => row.result);
  }

  async audit(tag: string): Promise<{ action: string; payload: Record<string, unknown> | null }[]> {
    const { rows } = await this.handle.pool.query<{
      action: string;
      payload: Record<string, unknown> | null;
    }>(`select action, payload from audit_log where session_id = $1 order by id`, [
      await this.threadOf(tag),
    ]);
    return rows;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
