/**
 * `npm run bench`: agent-runtime measured from a client's point of view, against separate
 * `api` and `worker` processes on the local Postgres and Redis, each on a fresh database and
 * Redis prefix that are removed afterwards. The model is a scripted OpenAI-compatible server
 * over HTTP, a process of its own (what every real run does: the provider path included);
 * `--demo` uses the in-process demo model instead. Every run is durable (admitted,
 * checkpointed and ended in Postgres, streamed through Redis).
 *
 * Modes (one per file):
 * - default (`latency-mode.ts`): per level of clients (`--clients 1,10,50`), `--runs 200` runs
 *   of one user turn on a new thread; first event and end-to-end p50/p99, runs/s, server CPU
 *   per run (api + worker, from /proc); then the THREAD_BUSY burst (`--busy-posts 1000` POSTs
 *   on `--busy-threads 100` threads, `--busy-posts 0` to skip); then `--soak 10000` more runs
 *   (0 to skip); the RSS of every process idle, after the levels and after the soak.
 * - `--busy` (`busy-mode.ts`): only the THREAD_BUSY burst.
 * - `--scale` (`scale-mode.ts`): 1 api + 1 worker, then 2 api + 3 workers, at
 *   `--scale-clients 50` clients, `--scale-runs 2000` runs each.
 * - `--streams N` (`streams-mode.ts`): N live SSE followers on one api process (spread over
 *   `--stream-runs 100` slow runs of `--run-seconds 30`); first-frame latency, api RSS, its
 *   Redis connections and `/healthz` latency meanwhile.
 *
 * Common options: --demo, --workflow single|default, --json <file>, --env KEY=VALUE
 * (repeatable: a setting for every service, e.g. --env SOCIAL_BUDGETS__ENABLED=true),
 * --server-url, --redis-url.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { BenchContext } from "./bench-context.js";
import { runBusyMode } from "./busy-mode.js";
import { runLatencyMode } from "./latency-mode.js";
import { runScaleMode } from "./scale-mode.js";
import { runStreamsMode } from "./streams-mode.js";

const { values } = parseArgs({
  options: {
    demo: { type: "boolean", default: false },
    busy: { type: "boolean", default: false },
    scale: { type: "boolean", default: false },
    streams: { type: "string" },
    "stream-runs": { type: "string", default: "100" },
    "run-seconds": { type: "string", default: "30" },
    "chunk-ms": { type: "string", default: "500" },
    "open-concurrency": { type: "string", default: "256" },
    workflow: { type: "string", default: "single" },
    clients: { type: "string", default: "1,10,50" },
    runs: { type: "string", default: "200" },
    warmup: { type: "string", default: "50" },
    soak: { type: "string", default: "10000" },
    "busy-posts": { type: "string", default: "1000" },
    "busy-threads": { type: "string", default: "100" },
    "scale-clients": { type: "string", default: "50" },
    "scale-runs": { type: "string", default: "2000" },
    json: { type: "string" },
    env: { type: "string", multiple: true, default: [] },
    "server-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
  },
});

const context: BenchContext = {
  serverUrl: values["server-url"] as string,
  redisUrl: values["redis-url"] as string,
  model: values.demo ? "demo" : "scripted",
  workflow: values.workflow as string,
  extraEnvironment: Object.fromEntries(
    (values.env as string[]).map((pair) => {
      const separator = pair.indexOf("=");
      if (separator <= 0) throw new Error(`--env expects KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, separator), pair.slice(separator + 1)];
    }),
  ),
};

const busy = {
  posts: Number(values["busy-posts"]),
  threads: Number(values["busy-threads"]),
};

async function runMode(): Promise<Record<string, unknown>> {
  if (values.busy) return runBusyMode(context, busy);
  if (values.streams)
    return runStreamsMode(context, {
      followers: Number(values.streams),
      runs: Number(values["stream-runs"]),
      runSeconds: Number(values["run-seconds"]),
      chunkMs: Number(values["chunk-ms"]),
      openConcurrency: Number(values["open-concurrency"]),
    });
  if (values.scale)
    return runScaleMode(context, {
      clients: Number(values["scale-clients"]),
      runs: Number(values["scale-runs"]),
      warmup: Number(values.warmup),
    });
  return runLatencyMode(context, {
    levels: (values.clients as string).split(",").map(Number),
    runs: Number(values.runs),
    warmup: Number(values.warmup),
    busy: busy.posts > 0 ? busy : undefined,
    soak: Number(values.soak),
  });
}

async function main() {
  const loadBefore = loadavg()[0];
  const result = await runMode();
  const json = JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      load_average_1m: { before: loadBefore, after: loadavg()[0] },
      ...result,
    },
    null,
    2,
  );
  console.log(json);
  if (values.json) writeFileSync(values.json as string, `${json}\n`);
  // Keep-alive sockets of the client agent would hold the process open.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
