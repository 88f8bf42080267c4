import { readFileSync } from "node:fs";
import { signDevToken } from "../src/dev-token.js";
import type { BenchModel, BenchServices } from "./bench-services.js";

/** What every mode gets from the command line. */
export interface BenchContext {
  serverUrl: string;
  redisUrl: string;
  model: BenchModel;
  workflow: string;
  /** Settings for every service process (`--env KEY=VALUE`). */
  extraEnvironment: Record<string, string>;
}

/** A bearer token for the benchmark's one user. */
export function benchToken(services: BenchServices): Promise<string> {
  return signDevToken({ secret: services.jwtSecret, userId: "bench-user", expiresIn: "2h" });
}

/** Busy and total jiffies of the whole machine so far (Linux /proc/stat). */
function machineJiffies(): { busy: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  // idle + iowait
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Measures the machine's CPU utilisation (all cores, 0–100 %) from now until `stop()`. */
export function machineCpuMeter(): { stop(): number } {
  const before = machineJiffies();
  return {
    stop() {
      const after = machineJiffies();
      const total = after.total - before.total;
      return total > 0 ? Number((((after.busy - before.busy) / total) * 100).toFixed(0)) : 0;
    },
  };
}

/** Counts of the runs by status; every run of a benchmark must have succeeded. */
export async function runStatusCounts(databaseUrl: string): Promise<Record<string, number>> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; count: number }>(
      "select status, count(*)::int as count from runs group by status",
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  } finally {
    await client.end();
  }
}
