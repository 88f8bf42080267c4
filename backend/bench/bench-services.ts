import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
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

/** Resident set size of a process in MiB (Linux /proc, VmRSS). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("VmRSS:"));
  const kib = Number(line?.split(/\s+/)[1] ?? Number.NaN);
  return Number((kib / 1024).toFixed(1));
}

/** Which model the runs call. */
export type BenchModel = "scripted" | "demo";

export interface ServiceProcessInfo {
  role: "api" | "worker";
  pid: number;
}

export interface BenchServices {
  /** One base URL per api process. */
  baseUrls: string[];
  databaseUrl: string;
  jwtSecret: string;
  processes: ServiceProcessInfo[];
  stop(): Promise<void>;
}

/**
 * How a role is started: the compiled build with plain `node` when there is one
 * (`npm run build`: `dist/main.js`, or `BENCH_MAIN=<path to a main.js>`), else the TypeScript
 * sources through tsx (also when `BENCH_SOURCES=1`).
 */
function roleCommand(role: string): string[] {
  const compiled = process.env.BENCH_MAIN ?? `${BACKEND}dist/main.js`;
  if (process.env.BENCH_SOURCES !== "1" && existsSync(compiled)) return [compiled, role];
  return ["--import", "tsx", "src/main.ts", role];
}

/** The scripted OpenAI-compatible server as its own process; resolves with its base URL. */
async function startScriptedProvider(): Promise<{ baseUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/scripted-provider-process.ts"], {
    cwd: BACKEND,
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`scripted provider exited (${code})`)));
    lines.once("line", (line) => resolve((JSON.parse(line) as { baseUrl: string }).baseUrl));
  });
  return { baseUrl, child };
}

/**
 * A fresh database and Redis prefix, then `apis` api processes and `workers` worker processes
 * (the production layout), warn-level logs, and the model: the scripted OpenAI-compatible
 * server over HTTP (its own process) or the in-process demo model.
 */
export async function startBenchServices({
  serverUrl,
  redisUrl,
  concurrency,
  model,
  apis = 1,
  workers = 1,
  extraEnvironment = {},
}: {
  serverUrl: string;
  redisUrl: string;
  concurrency: number;
  model: BenchModel;
  apis?: number;
  workers?: number;
  /** Settings on top of the benchmark's own (e.g. budgets or tracing on). */
  extraEnvironment?: Record<string, string>;
}): Promise<BenchServices> {
  const suffix = randomBytes(4).toString("hex");
  const database = new URL(serverUrl);
  database.pathname = `/agent_runtime_bench_${suffix}`;
  const databaseUrl = database.toString();
  await migrateDatabase(databaseUrl);
  const provider = model === "scripted" ? await startScriptedProvider() : undefined;
  const jwtSecret = randomBytes(32).toString("hex");
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    SOCIAL_ENV_FILE: "/dev/null",
    SOCIAL_ENV: "production",
    SOCIAL_DATABASE__URL: databaseUrl,
    SOCIAL_DATABASE__POOL_MAX: "20",
    SOCIAL_REDIS__URL: redisUrl,
    SOCIAL_REDIS__KEY_PREFIX: `bench-${suffix}`,
    SOCIAL_AUTH__JWT_SECRET: jwtSecret,
    SOCIAL_QUEUE__CONCURRENCY: String(concurrency),
    SOCIAL_WORKER__METRICS_PORT: "0",
    SOCIAL_LOG__LEVEL: "warn",
    ...(provider
      ? {
          SOCIAL_LLM__DEFAULT_MODEL_CODE: "openai-compatible",
          SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: provider.baseUrl,
          SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL: "scripted-model",
        }
      : { SOCIAL_LLM__DEFAULT_MODEL_CODE: "demo" }),
    ...extraEnvironment,
  };
  const profile = process.env.BENCH_CPU_PROFILE_DIR;
  const spawnRole = (role: "api" | "worker", port: number): ChildProcess =>
    spawn(
      process.execPath,
      [
        ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}/${role}`] : []),
        // Node/V8 flags for both roles, e.g. heap settings (`--max-semi-space-size=4`).
        ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
        ...roleCommand(role),
      ],
      {
        cwd: BACKEND,
        env: { ...environment, SOCIAL_HTTP__PORT: String(port) },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
  const children: { role: "api" | "worker"; child: ChildProcess }[] = [];
  const baseUrls: string[] = [];
  for (let index = 0; index < apis; index++) {
    const port = await freePort();
    children.push({ role: "api", child: spawnRole("api", port) });
    baseUrls.push(`http://127.0.0.1:${port}`);
  }
  for (let index = 0; index < workers; index++)
    children.push({ role: "worker", child: spawnRole("worker", await freePort()) });
  const stop = async () => {
    const all = [...children.map((entry) => entry.child), ...(provider ? [provider.child] : [])];
    await Promise.all(
      all.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
            child.once("exit", resolve);
            child.kill("SIGTERM");
          }),
      ),
    );
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(
      `drop database if exists ${admin.escapeIdentifier(database.pathname.slice(1))} with (force)`,
    );
    await admin.end();
  };
  try {
    const deadline = Date.now() + 60_000;
    for (const baseUrl of baseUrls) {
      for (;;) {
        const ready = await fetch(`${baseUrl}/readyz`)
          .then((response) => response.ok)
          .catch(() => false);
        if (ready) break;
        const dead = children.find((entry) => entry.child.exitCode !== null);
        if (dead) throw new Error(`${dead.role} exited with ${dead.child.exitCode}`);
        if (Date.now() > deadline) throw new Error("services did not become ready");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // Give the workers a moment to connect their queue consumers (warm-up runs follow).
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrls,
    databaseUrl,
    jwtSecret,
    processes: children.map(({ role, child }) => ({ role, pid: child.pid as number })),
    stop,
  };
}
