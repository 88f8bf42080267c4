import { eq, sql } from "drizzle-orm";
import { toolExecutions } from "../../../../models/index.js";
import { storableJson } from "../../domain/storable-text.js";
import type { ToolExecutionLedger } from "../crew/tool-execution-ledger.js";
import type { Database } from "./database.js";

/** The tool idempotency ledger on the `tool_executions` table. */
export class PostgresToolExecutionLedger implements ToolExecutionLedger {
  constructor(private readonly db: Database) {}

  async find(idempotencyKey: string): Promise<{ result: unknown } | undefined> {
    const [row] = await this.db
      .select({ result: toolExecutions.result })
      .from(toolExecutions)
      .where(eq(toolExecutions.idempotencyKey, idempotencyKey));
    return row;
  }

  async save({
    idempotencyKey,
    toolName,
    result,
  }: {
    idempotencyKey: string;
    toolName: string;
    result: unknown;
  }): Promise<{ result: unknown }> {
    // A second save for the same key means the handler ran twice (a crash between the two
    // writes): the first result stands and `attempts` records the repeat.
    const [row] = await this.db
      .insert(toolExecutions)
      .values({ idempotencyKey, toolName, result: storableJson(result ?? null) })
      .onConflictDoUpdate({
        target: toolExecutions.idempotencyKey,
        set: { attempts: sql`${toolExecutions.attempts} + 1`, updatedAt: sql`now()` },
      })
      .returning({ result: toolExecutions.result });
    return { result: row?.result ?? result };
  }
}
