import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../src/core/agent/infrastructure/persistence/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** Unique per test run; every Redis key a test writes starts with it. */
    redisPrefix: string;
  }
}

const serverUrl =
  process.env.SOCIAL_TEST__DATABASE_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.SOCIAL_TEST__REDIS_URL ?? "redis://127.0.0.1:6379";

function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * One throwaway database per test run, migrated once; dropped at the end. Tests isolate
 * themselves with fresh ids, so files can share it and run in parallel.
 */
export default async function setup(project: TestProject) {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const name = `agent_runtime_test_${suffix}`;
  const url = databaseUrl(name);
  await migrateDatabase(url);
  project.provide("databaseUrl", url);
  project.provide("redisUrl", redisUrl);
  project.provide("redisPrefix", `art-test-${suffix}`);

  return async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
    } finally {
      await admin.end();
    }
  };
}
