import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import {
  connectDatabase,
  type DatabaseHandle,
} from "../../src/core/agent/infrastructure/persistence/database.js";

/** A pool on the run's throwaway database; close it in afterAll. */
export function connectTestDatabase(poolMax = 10): DatabaseHandle {
  return connectDatabase({
    url: inject("databaseUrl"),
    poolMax,
    applicationName: "agent-runtime-test",
  });
}

/** Ids unique across the whole run, so tests sharing a database never collide. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
