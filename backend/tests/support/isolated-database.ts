import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDatabase } from "../../src/core/agent/infrastructure/persistence/migrate.js";

const serverUrl =
  process.env.SOCIAL_TEST__DATABASE_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A migrated database of its own, for tests whose processes act on every run of their database. */
export interface IsolatedDatabase {
  name: string;
  url: string;
  /** Drops the database (connections still open are ended). */
  drop(): Promise<void>;
}

/**
 * Creates and migrates `agent_runtime_iso_<random>` next to the run's test database. The run
 * supervisor treats every queued or running run of its database as its own, so a test that
 * turns it on must not share the database with other files' runs.
 */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const name = `agent_runtime_iso_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** `url` with its host and port replaced (to reach the database through a proxy). */
export function databaseUrlVia(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = "127.0.0.1";
  parsed.port = String(port);
  return parsed.toString();
}
