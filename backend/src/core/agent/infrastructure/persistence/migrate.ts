import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

export const MIGRATIONS_FOLDER = fileURLToPath(
  new URL("../../../../../migrations", import.meta.url),
);

/** Any constant works; it only has to be the same in every process that migrates. */
const MIGRATION_LOCK_KEY = 7_311_927_004;
const DUPLICATE_DATABASE = "42P04";

/** Creates the database named in `url` when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabaseExists(url: string): Promise<{ created: boolean }> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!name) throw new Error("The database URL names no database");
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const existing = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (existing.rowCount) return { created: false };
    await client.query(`create database ${client.escapeIdentifier(name)}`);
    return { created: true };
  } catch (error) {
    if ((error as { code?: string }).code === DUPLICATE_DATABASE) return { created: false };
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Creates the database if needed and applies every pending migration. Idempotent, and safe to
 * run from several processes at once: an advisory lock serialises them.
 */
export async function migrateDatabase(url: string): Promise<{ createdDatabase: boolean }> {
  const { created } = await ensureDatabaseExists(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return { createdDatabase: created };
}
