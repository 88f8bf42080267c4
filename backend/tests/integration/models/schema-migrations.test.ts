import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../../src/core/agent/infrastructure/persistence/migrate.js";

const serverUrl =
  process.env.SOCIAL_TEST__DATABASE_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `agent_runtime_fresh_${randomBytes(4).toString("hex")}`;
const url = (() => {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${name}`;
  return parsed.toString();
})();

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("migrations on an empty server", () => {
  let firstRun: { createdDatabase: boolean };

  beforeAll(async () => {
    firstRun = await migrateDatabase(url);
  });

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
    await admin.end();
  });

  it("creates the database when it does not exist", () => {
    expect(firstRun.createdDatabase).toBe(true);
  });

  it("test_sessions_has_state_snapshot_column: sessions.state_snapshot exists and is jsonb", async () => {
    const columns = await query<{ data_type: string }>(
      `select data_type from information_schema.columns
       where table_schema = 'public' and table_name = 'sessions' and column_name = 'state_snapshot'`,
    );
    expect(columns).toEqual([{ data_type: "jsonb" }]);
  });

  it("creates every table of the architecture", async () => {
    const tables = await query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      "audit_log",
      "budget_reservations",
      "llm_calls",
      "messages",
      "runs",
      "sessions",
      "system_agents",
      "tool_executions",
      "user_budgets",
      "user_daily_spend",
    ]);
  });

  it("stores money as numeric(20,12)", async () => {
    const columns = await query<{
      table_name: string;
      numeric_precision: number;
      numeric_scale: number;
    }>(
      `select table_name, numeric_precision, numeric_scale from information_schema.columns
       where table_schema = 'public' and column_name = 'cost_usd' order by table_name`,
    );
    expect(columns).toEqual([
      { table_name: "llm_calls", numeric_precision: 20, numeric_scale: 12 },
      { table_name: "runs", numeric_precision: 20, numeric_scale: 12 },
      { table_name: "sessions", numeric_precision: 20, numeric_scale: 12 },
      { table_name: "user_daily_spend", numeric_precision: 20, numeric_scale: 12 },
    ]);
  });

  it("keeps seq unique per session and the optimistic version column", async () => {
    const constraints = await query<{ conname: string }>(
      `select conname from pg_constraint where conname in ('messages_session_seq_key')`,
    );
    expect(constraints).toHaveLength(1);
    const version = await query<{ data_type: string }>(
      `select data_type from information_schema.columns where table_name = 'sessions' and column_name = 'version'`,
    );
    expect(version).toEqual([{ data_type: "integer" }]);
  });

  it("is idempotent, also when several processes migrate at once", async () => {
    const again = await Promise.all([
      migrateDatabase(url),
      migrateDatabase(url),
      migrateDatabase(url),
    ]);
    expect(again.every((run) => run.createdDatabase === false)).toBe(true);
    const applied = await query<{ count: number }>(
      "select count(*)::int as count from drizzle.__drizzle_migrations",
    );
    const journal = JSON.parse(
      readFileSync(new URL("../../../migrations/meta/_journal.json", import.meta.url), "utf8"),
    );
    expect(applied[0]?.count).toBe(journal.entries.length);
  });

  it("notifies listeners when system_agents changes", async () => {
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const notified = new Promise<string>((resolve) => {
      listener.on("notification", (message) => resolve(message.channel));
    });
    await listener.query("listen system_agents_changed");
    await query("insert into system_agents (agent_type, role) values ('probe', 'r')");
    await expect(notified).resolves.toBe("system_agents_changed");
    await listener.end();
  });
});
