import type pg from "pg";

/** What a fault test reports: runs accepted, recovered and given up by the supervisor, stuck. */
export interface FaultFigures {
  runs: number;
  /** Runs the supervisor queued again (audit `run.recovered`). */
  recovered: number;
  /** Runs it gave up (RUN_ABANDONED). */
  givenUp: number;
  /** Runs still queued or running: must be 0. */
  stuck: number;
  byStatus: Record<string, number>;
}

/** The figures over every run of the (isolated) database. */
export async function faultFigures(database: pg.Pool): Promise<FaultFigures> {
  const { rows } = await database.query<{ status: string; error_code: string | null }>(
    "select status, error_code from runs",
  );
  const { rows: recovered } = await database.query<{ count: number }>(
    "select count(*)::int as count from audit_log where action = 'run.recovered'",
  );
  const byStatus: Record<string, number> = {};
  for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  return {
    runs: rows.length,
    recovered: recovered[0]?.count ?? 0,
    givenUp: rows.filter((row) => row.error_code === "RUN_ABANDONED").length,
    stuck: rows.filter((row) => row.status === "queued" || row.status === "running").length,
    byStatus,
  };
}

/** Polls until no run of the database is queued or running; returns how long that took. */
export async function waitUntilNothingActive(
  database: pg.Pool,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await database.query<{ id: string; status: string }>(
      "select id, status from runs where status in ('queued', 'running')",
    );
    if (rows.length === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`still active after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Each session's messages: seq gap-free from 1, no id twice. */
export async function messageProblems(database: pg.Pool): Promise<string[]> {
  const { rows } = await database.query<{ session_id: string; seq: number; id: string }>(
    "select session_id, seq, id from messages order by session_id, seq",
  );
  const problems: string[] = [];
  const bySession = new Map<string, { seq: number; id: string }[]>();
  for (const row of rows)
    bySession.set(row.session_id, [...(bySession.get(row.session_id) ?? []), row]);
  for (const [sessionId, messages] of bySession) {
    messages.forEach((message, index) => {
      if (message.seq !== index + 1)
        problems.push(`${sessionId}: seq ${message.seq} at ${index + 1}`);
    });
    if (new Set(messages.map((message) => message.id)).size !== messages.length)
      problems.push(`${sessionId}: a message id twice`);
  }
  return problems;
}
