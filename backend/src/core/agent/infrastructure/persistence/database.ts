import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle, type NodePgDatabase, type NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgTransaction } from "drizzle-orm/pg-core";
import pg from "pg";
import * as schema from "../../../../models/index.js";

export type Schema = typeof schema;
export type Database = NodePgDatabase<Schema>;
export type Transaction = PgTransaction<
  NodePgQueryResultHKT,
  Schema,
  ExtractTablesWithRelations<Schema>
>;
/** Anything a repository can run a statement on: the pool-backed database or an open transaction. */
export type Executor = Database | Transaction;

// bigint columns (token counters, llm_call_count) arrive as strings by default; they stay far
// below 2^53, so parse them as numbers. numeric (money) stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function connectDatabase({
  url,
  poolMax,
  applicationName = "agent-runtime",
}: {
  url: string;
  poolMax: number;
  applicationName?: string;
}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    application_name: applicationName,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const db = drizzle({ client: pool, schema });
  return { db, pool, close: () => pool.end() };
}
