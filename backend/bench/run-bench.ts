/**
 * `npm run bench`: end-to-end latency and throughput of agent-runtime with the offline demo
 * model (no network, no delays), measured from a client's point of view against separate
 * `api` and `worker` processes on the local Postgres and Redis.
 *
 * For each concurrency level it reports: accept latency (POST → 202 headers), time to first
 * event (POST → first SSE frame), end-to-end run time (POST → RUN_FINISHED), runs per second,
 * and server CPU per run (api + worker user+system time from /proc, divided by runs).
 *
 * Options: --workflow single|default (default single: one stage, like-for-like with
 * single-agent runtimes), --clients 1,10,50, --seconds 10 (per level), --warmup 2,
 * --json <file> (also write the JSON there), --env KEY=VALUE (repeatable: a setting for both
 * services, e.g. --env SOCIAL_BUDGETS__ENABLED=true).
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { parseArgs } from "node:util";
import pg from "pg";
import { signDevToken } from "../src/dev-token.js";
import { cpuSeconds, startBenchServices } from "./bench-services.js";
import { type RunTiming, summarise } from "./bench-stats.js";

const { values } = parseArgs({
  options: {
    workflow: { type: "string", default: "single" },
    clients: { type: "string", default: "1,10,50" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    json: { type: "string" },
    env: { type: "string", multiple: true, default: [] },
    "server-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
  },
});

const workflow = values.workflow as string;
const levels = (values.clients as string).split(",").map(Number);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

/**
 * One run as an AG-UI client does it: POST the RunAgentInput with Accept: text/event-stream and
 * read the SSE body to the terminal event. node:http with a keep-alive agent, so the numbers are
 * the server's and not a heavyweight client's.
 */
function oneRun({ baseUrl, token }: { baseUrl: string; token: string }): Promise<RunTiming> {
  const body = JSON.stringify({
    threadId: `bench-${randomUUID()}`,
    runId: randomUUID(),
    messages: [{ id: randomUUID(), role: "user", content: "Hello! How are you today?" }],
    tools: [],
    context: [],
    forwardedProps: { agent: workflow },
  });
  const url = new URL("/api/v1/agent/runs", baseUrl);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "text/event-stream",
          "content-length": Buffer.byteLength(body),
        },
      },
      (response) => {
        const accepted = performance.now();
        if (response.statusCode !== 202) {
          response.resume();
          reject(new Error(`POST /runs answered ${response.statusCode}`));
          return;
        }
        let firstEvent = 0;
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (!firstEvent) firstEvent = performance.now();
          text += chunk;
        });
        response.on("end", () => {
          const finished = performance.now();
          if (!text.includes('"RUN_FINISHED"')) {
            reject(new Error(`run did not finish: ${text.slice(-300)}`));
            return;
          }
          resolve({
            acceptMs: accepted - started,
            firstEventMs: firstEvent - started,
            endToEndMs: finished - started,
          });
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function level({
  clients,
  durationSeconds,
  baseUrl,
  token,
}: {
  clients: number;
  durationSeconds: number;
  baseUrl: string;
  token: string;
}): Promise<{ timings: RunTiming[]; elapsedSeconds: number; errors: number }> {
  const timings: RunTiming[] = [];
  let errors = 0;
  const deadline = performance.now() + durationSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        try {
          timings.push(await oneRun({ baseUrl, token }));
        } catch (error) {
          errors += 1;
          if (errors <= 3) console.error(error instanceof Error ? error.message : error);
        }
      }
    }),
  );
  return { timings, elapsedSeconds: (performance.now() - started) / 1000, errors };
}

async function main() {
  const services = await startBenchServices({
    serverUrl: values["server-url"] as string,
    redisUrl: values["redis-url"] as string,
    concurrency: Math.max(...levels) * 2,
    extraEnvironment: Object.fromEntries(
      (values.env as string[]).map((pair) => {
        const separator = pair.indexOf("=");
        if (separator <= 0) throw new Error(`--env expects KEY=VALUE, got "${pair}"`);
        return [pair.slice(0, separator), pair.slice(separator + 1)];
      }),
    ),
  });
  const token = await signDevToken({
    secret: services.jwtSecret,
    userId: "bench-user",
    expiresIn: "2h",
  });
  const results = [];
  try {
    for (const clients of levels) {
      await level({ clients, durationSeconds: warmup, baseUrl: services.baseUrl, token });
      const cpuBefore = services.pids.map(cpuSeconds);
      const { timings, elapsedSeconds, errors } = await level({
        clients,
        durationSeconds: seconds,
        baseUrl: services.baseUrl,
        token,
      });
      const cpuAfter = services.pids.map(cpuSeconds);
      const [apiCpu, workerCpu] = cpuAfter.map((after, index) => after - (cpuBefore[index] ?? 0));
      const runs = timings.length;
      results.push({
        workflow,
        clients,
        runs,
        errors,
        runs_per_second: Number((runs / elapsedSeconds).toFixed(1)),
        accept_ms: summarise(timings.map((timing) => timing.acceptMs)),
        first_event_ms: summarise(timings.map((timing) => timing.firstEventMs)),
        end_to_end_ms: summarise(timings.map((timing) => timing.endToEndMs)),
        server_cpu_ms_per_run: {
          api: Number((((apiCpu ?? 0) * 1000) / Math.max(runs, 1)).toFixed(2)),
          worker: Number((((workerCpu ?? 0) * 1000) / Math.max(runs, 1)).toFixed(2)),
          total: Number(
            ((((apiCpu ?? 0) + (workerCpu ?? 0)) * 1000) / Math.max(runs, 1)).toFixed(2),
          ),
        },
      });
    }
    await verifyPersistence(services.databaseUrl);
  } finally {
    await services.stop();
  }
  printTable(results);
  const json = JSON.stringify(
    { date: new Date().toISOString(), node: process.version, results },
    null,
    2,
  );
  console.log(json);
  if (values.json) writeFileSync(values.json as string, `${json}\n`);
}

/** The benchmark only counts if what it ran was also stored. */
async function verifyPersistence(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ status: string; count: number }>(
    "select status, count(*)::int as count from runs group by status",
  );
  await client.end();
  const notDone = rows.filter((row) => row.status !== "succeeded");
  if (notDone.length > 0) console.error(`runs not succeeded: ${JSON.stringify(notDone)}`);
}

function printTable(
  results: {
    workflow: string;
    clients: number;
    runs: number;
    errors: number;
    runs_per_second: number;
    accept_ms: ReturnType<typeof summarise>;
    first_event_ms: ReturnType<typeof summarise>;
    end_to_end_ms: ReturnType<typeof summarise>;
    server_cpu_ms_per_run: { total: number; api: number; worker: number };
  }[],
) {
  const header = [
    "workflow",
    "clients",
    "runs",
    "err",
    "runs/s",
    "accept p50/p95",
    "first event p50/p95",
    "end-to-end p50/p95",
    "CPU ms/run (api+worker)",
  ];
  const rows = results.map((result) => [
    result.workflow,
    String(result.clients),
    String(result.runs),
    String(result.errors),
    String(result.runs_per_second),
    `${result.accept_ms.p50} / ${result.accept_ms.p95} ms`,
    `${result.first_event_ms.p50} / ${result.first_event_ms.p95} ms`,
    `${result.end_to_end_ms.p50} / ${result.end_to_end_ms.p95} ms`,
    `${result.server_cpu_ms_per_run.total} (${result.server_cpu_ms_per_run.api}+${result.server_cpu_ms_per_run.worker})`,
  ]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(" | ");
  console.log(`\n${line(header)}\n${widths.map((width) => "-".repeat(width)).join("-|-")}`);
  for (const row of rows) console.log(line(row));
  console.log("");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
