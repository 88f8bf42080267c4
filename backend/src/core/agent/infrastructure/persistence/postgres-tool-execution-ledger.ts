import { and, eq, sql } from "drizzle-orm";
import { toolExecutions } from "../../../../models/index.js";
import { storableJson } from "../../domain/storable-text.js";
import type { ToolExecutionLedger, ToolLedgerClaim } from "../crew/tool-execution-ledger.js";
import type { Database } from "./database.js";

/** The tool idempotency ledger on the `tool_executions` table. */
export class PostgresToolExecutionLedger implements ToolExecutionLedger {
  constructor(private readonly db: Database) {}

  async start({
    idempotencyKey,
    toolName,
  }: {
    idempotencyKey: string;
    toolName: string;
  }): Promise<ToolLedgerClaim> {
    const inserted = await this.db
      .insert(toolExecutions)
      .values({ idempotencyKey, toolName, result: null, status: "started", attempts: 1 })
      .onConflictDoNothing({ target: toolExecutions.idempotencyKey })
      .returning({ key: toolExecutions.idempotencyKey });
    if (inserted.length > 0) return { kind: "new" };
    const [row] = await this.db
      .select({
        status: toolExecutions.status,
        result: toolExecutions.result,
        attempts: toolExecutions.attempts,
      })
      .from(toolExecutions)
      .where(eq(toolExecutions.idempotencyKey, idempotencyKey));
    if (!row) return { kind: "new" };
    if (row.status === "completed") return { kind: "recorded", result: row.result };
    if (row.status === "failed") {
      const error = (row.result as { error?: unknown } | null)?.error;
      return {
        kind: "recorded",
        result: row.result,
        error: typeof error === "string" ? error : "the tool failed",
      };
    }
    return { kind: "unknown", attempts: row.attempts };
  }

  async restart(idempotencyKey: string): Promise<void> {
    await this.db
      .update(toolExecutions)
      .set({
        status: "started",
        attempts: sql`${toolExecutions.attempts} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(toolExecutions.idempotencyKey, idempotencyKey));
  }

  async finish({
    idempotencyKey,
    result,
    error,
  }: {
    idempotencyKey: string;
    result: unknown;
    error?: string;
  }): Promise<void> {
    // Only a call still `started` takes an outcome: the first recorded one stands.
    await this.db
      .update(toolExecutions)
      .set({
        status: error === undefined ? "completed" : "failed",
        result: storableJson(error === undefined ? (result ?? null) : { error }),
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(toolExecutions.idempotencyKey, idempotencyKey),
          eq(toolExecutions.status, "started"),
        ),
      );
  }

  async giveUp(idempotencyKey: string): Promise<void> {
    await this.db
      .update(toolExecutions)
      .set({ status: "unknown", updatedAt: sql`now()` })
      .where(
        and(
          eq(toolExecutions.idempotencyKey, idempotencyKey),
          eq(toolExecutions.status, "started"),
        ),
      );
  }
}
