import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migrateDatabase } from "../src/core/agent/infrastructure/persistence/migrate.js";
import { freePort } from "../tests/support/service-processes.js";

const BACKEND = fileURLToPath(new URL("..", import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100;

/** user + system CPU seconds of a process so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // After the command name: field 14 (utime) and 15 (stime) are at offsets 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * A fresh database and Redis prefix, then `api` and `worker` as two processes (the production
 * layout), with the offline demo model and warn-level logs.
 */
export async function startBenchServices({
  serverUrl,
  redisUrl,
  concurrency,
  extraEnvironment = {},
}: {
  serverUrl: string;
  redisUrl: string;
  concurrency: number;
  /** Settings on top of the benchmark's own (e.g. budgets or tracing on). */
  extraEnvironment?: Record<string, string>;
}) {
  const suffix = randomBytes(4).toString("hex");
  const database = new URL(serverUrl);
  database.pathname = `/agent_runtime_bench_${suffix}`;
  const databaseUrl = database.toString();
  await migrateDatabase(databaseUrl);
  const port = await freePort();
  const jwtSecret = randomBytes(32).toString("hex");
  const environment = {
    PATH: process.env.PATH ?? "",
    SOCIAL_ENV_FILE: "/dev/null",
    SOCIAL_ENV: "production",
    SOCIAL_DATABASE__URL: databaseUrl,
    SOCIAL_DATABASE__POOL_MAX: "20",
    SOCIAL_REDIS__URL: redisUrl,
    SOCIAL_REDIS__KEY_PREFIX: `bench-${suffix}`,
    SOCIAL_HTTP__PORT: String(port),
    SOCIAL_AUTH__JWT_SECRET: jwtSecret,
    SOCIAL_LLM__DEFAULT_MODEL_CODE: "demo",
    SOCIAL_QUEUE__CONCURRENCY: String(concurrency),
    SOCIAL_WORKER__METRICS_PORT: "0",
    SOCIAL_LOG__LEVEL: "warn",
    ...extraEnvironment,
  };
  const profile = process.env.BENCH_CPU_PROFILE_DIR;
  const spawnRole = (role: string): ChildProcess =>
    spawn(
      process.execPath,
      [
        ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}/${role}`] : []),
        "--import",
        "tsx",
        "src/main.ts",
        role,
      ],
      {
        cwd: BACKEND,
        env: environment,
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
  const api = spawnRole("api");
  const worker = spawnRole("worker");
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${baseUrl}/readyz`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error("services did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Give the worker a moment to connect its queue consumer.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    baseUrl,
    databaseUrl,
    jwtSecret,
    pids: [api.pid as number, worker.pid as number],
    async stop() {
      for (const child of [api, worker]) child.kill("SIGTERM");
      await Promise.all(
        [api, worker].map((child) => new Promise((resolve) => child.once("exit", resolve))),
      );
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(
        `drop database if exists ${admin.escapeIdentifier(database.pathname.slice(1))} with (force)`,
      );
      await admin.end();
    },
  };
}
