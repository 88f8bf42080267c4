import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import { runs } from "../../src/models/index.js";

const TERMINAL = new Set(["succeeded", "failed", "cancelled", "interrupted"]);

/** Polls Postgres until every run has ended; throws with the stragglers after `timeoutMs`. */
export async function waitForRunsToEnd(
  database: DatabaseHandle,
  runIds: readonly string[],
  timeoutMs = 30_000,
): Promise<Map<string, { status: string; errorCode: string | null }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = new Map<string, { status: string; errorCode: string | null }>();
    for (const runId of runIds) {
      const [row] = await database.db.select().from(runs).where(eq(runs.id, runId));
      if (row && TERMINAL.has(row.status))
        ended.set(runId, { status: row.status, errorCode: row.errorCode });
    }
    if (ended.size === runIds.length) return ended;
    if (Date.now() > deadline) {
      const stuck = runIds.filter((runId) => !ended.has(runId));
      throw new Error(`runs did not end within ${timeoutMs} ms: ${stuck.join(", ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
