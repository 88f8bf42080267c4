import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { loadavg } from "node:os";
import { startScriptedOpenAiServer } from "../tests/support/scripted-openai-server.js";
import { type BenchContext, benchToken } from "./bench-context.js";
import { rssMiB, startBenchServices } from "./bench-services.js";
import { printTable, summarise } from "./bench-stats.js";
import { userTurn } from "./run-client.js";

/*
 * `npm run bench -- --streams N`: N live SSE followers on one api process. `--stream-runs`
 * runs (default 100) are started whose model answers slowly (a scripted OpenAI-compatible
 * server in this process, one chunk every `--chunk-ms`, for `--run-seconds`); then N
 * followers open `GET /runs/{id}/events` spread over them, at most `--open-concurrency` of
 * them connecting at a time (a listen backlog is not what is measured). Each follower's first
 * frame latency is request start → first `data:` line. Meanwhile `/healthz` is requested in a
 * loop, and the api's RSS and its Redis connections (its sockets to the Redis port, from /proc,
 * so any version of the api is counted the same way) are sampled. Every follower must then
 * read its run to the terminal event.
 */

export interface StreamsOptions {
  followers: number;
  runs: number;
  runSeconds: number;
  chunkMs: number;
  openConcurrency: number;
}

/** Sockets of `pid` connected to `port` (Linux /proc: the process's fds and its TCP table). */
export function tcpConnectionsTo(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith("socket:[")) inodes.add(target.slice(8, -1));
    } catch {}
  }
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  let count = 0;
  for (const table of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // remote address, state (01 = established), inode
      if (fields.length < 10) continue;
      if (fields[2]?.endsWith(`:${portHex}`) && fields[3] === "01" && inodes.has(fields[9] ?? ""))
        count += 1;
    }
  }
  return count;
}

interface FollowerResult {
  /** Request start → response headers. */
  headersMs: number | undefined;
  firstFrameMs: number | undefined;
  ended: boolean;
  error?: string;
}

const followerAgent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One follower: GET /events, first `data:` line timed, read to the terminal event. */
function follow({
  baseUrl,
  token,
  runId,
  onFirstFrame,
}: {
  baseUrl: string;
  token: string;
  runId: string;
  onFirstFrame: () => void;
}): Promise<FollowerResult> {
  const url = new URL(`/api/v1/agent/runs/${runId}/events`, baseUrl);
  return new Promise((resolve) => {
    const started = performance.now();
    let firstFrameMs: number | undefined;
    let headersMs: number | undefined;
    let tail = "";
    let ended = false;
    const request = httpRequest(
      {
        agent: followerAgent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      },
      (response) => {
        headersMs = performance.now() - started;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          const text = tail + chunk;
          if (firstFrameMs === undefined && text.includes("data:")) {
            firstFrameMs = performance.now() - started;
            onFirstFrame();
          }
          if (text.includes('"RUN_FINISHED"') || text.includes('"RUN_ERROR"')) ended = true;
          tail = text.slice(-32);
        });
        response.on("end", () => resolve({ headersMs, firstFrameMs, ended }));
        response.on("error", (error) =>
          resolve({ headersMs, firstFrameMs, ended, error: error.message }),
        );
      },
    );
    request.on("error", (error) =>
      resolve({ headersMs, firstFrameMs, ended, error: error.message }),
    );
    request.end();
  });
}

async function postJsonRun(baseUrl: string, token: string, body: string): Promise<string> {
  const response = await fetch(new URL("/api/v1/agent/runs", baseUrl), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  const json = (await response.json()) as { run_id?: string };
  if (response.status !== 202 || !json.run_id)
    throw new Error(`POST /runs answered ${response.status}: ${JSON.stringify(json)}`);
  return json.run_id;
}

function healthz(baseUrl: string): Promise<number> {
  const url = new URL("/healthz", baseUrl);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = httpRequest(
      { agent: probeAgent, host: url.hostname, port: url.port, path: url.pathname },
      (response) => {
        response.resume();
        response.on("end", () => resolve(performance.now() - started));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

export async function runStreamsMode(
  context: BenchContext,
  options: StreamsOptions,
): Promise<Record<string, unknown>> {
  const chunks = Math.max(1, Math.round((options.runSeconds * 1000) / options.chunkMs));
  const provider = await startScriptedOpenAiServer();
  provider.setHandler(() => ({
    text: Array.from({ length: chunks }, (_, index) => `w${index} `),
    chunkDelayMs: options.chunkMs,
    usage: { prompt_tokens: 42, completion_tokens: chunks, total_tokens: 42 + chunks },
  }));
  setInterval(() => {
    (provider.requests as unknown[]).length = 0;
  }, 1000).unref();
  const redisPort = Number(new URL(context.redisUrl).port || 6379);
  const services = await startBenchServices({
    ...context,
    model: "scripted",
    concurrency: options.runs + 8,
    extraEnvironment: {
      // The slow provider of this mode replaces the default scripted one.
      SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: provider.baseUrl,
      SOCIAL_HTTP__REQUEST_TIMEOUT_MS: String((options.runSeconds + 600) * 1000),
      ...context.extraEnvironment,
    },
  });
  const api = services.processes.find((entry) => entry.role === "api");
  if (!api) throw new Error("no api process");
  const baseUrl = services.baseUrls[0] as string;
  try {
    const token = await benchToken(services);
    const idle = {
      rssMiB: rssMiB(api.pid),
      redisConnections: tcpConnectionsTo(api.pid, redisPort),
    };
    const runIds: string[] = [];
    for (let index = 0; index < options.runs; index++)
      runIds.push(await postJsonRun(baseUrl, token, userTurn({ workflow: context.workflow })));

    const peak = { rssMiB: idle.rssMiB, redisConnections: idle.redisConnections };
    const sampler = setInterval(() => {
      peak.rssMiB = Math.max(peak.rssMiB, rssMiB(api.pid));
      peak.redisConnections = Math.max(peak.redisConnections, tcpConnectionsTo(api.pid, redisPort));
    }, 250);
    const healthLatencies: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        healthLatencies.push(await healthz(baseUrl));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // At most `openConcurrency` followers between request and first frame at any time.
    const started = performance.now();
    const followers: Promise<FollowerResult>[] = [];
    let waiting = 0;
    let wake: (() => void) | undefined;
    for (let index = 0; index < options.followers; index++) {
      while (waiting >= options.openConcurrency)
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      waiting += 1;
      const settle = () => {
        waiting -= 1;
        wake?.();
      };
      let settled = false;
      const once = () => {
        if (!settled) {
          settled = true;
          settle();
        }
      };
      followers.push(
        follow({
          baseUrl,
          token,
          runId: runIds[index % runIds.length] as string,
          onFirstFrame: once,
        }).finally(once),
      );
    }
    while (waiting > 0)
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    const allOpenMs = performance.now() - started;
    const openRss = rssMiB(api.pid);
    const openConnections = tcpConnectionsTo(api.pid, redisPort);
    const results = await Promise.all(followers);
    probing = false;
    await prober;
    clearInterval(sampler);
    const after = {
      rssMiB: rssMiB(api.pid),
      redisConnections: tcpConnectionsTo(api.pid, redisPort),
    };

    const firstFrames = results.flatMap((result) =>
      result.firstFrameMs === undefined ? [] : [result.firstFrameMs],
    );
    const firstFrame = summarise(firstFrames);
    const headers = summarise(
      results.flatMap((result) => (result.headersMs === undefined ? [] : [result.headersMs])),
    );
    const health = summarise(healthLatencies);
    const summary = {
      followers: options.followers,
      runs: options.runs,
      got_first_frame: firstFrames.length,
      got_terminal_event: results.filter((result) => result.ended).length,
      errors: results.filter((result) => result.error).length,
      first_frame_ms: { ...firstFrame, max: Number(Math.max(...firstFrames).toFixed(2)) },
      headers_ms: headers,
      all_open_s: Number((allOpenMs / 1000).toFixed(1)),
      healthz_ms: { ...health, samples: healthLatencies.length },
      api_rss_mib: { idle: idle.rssMiB, all_open: openRss, peak: peak.rssMiB, after: after.rssMiB },
      api_redis_connections: {
        idle: idle.redisConnections,
        all_open: openConnections,
        peak: peak.redisConnections,
        after: after.redisConnections,
      },
      load_average_1m: loadavg()[0],
    };
    printTable(
      [
        "followers",
        "first frame",
        "p50 ms",
        "p99 ms",
        "ended",
        "/healthz p50/p99 ms",
        "RSS peak MiB",
        "Redis conns peak",
      ],
      [
        [
          String(options.followers),
          String(summary.got_first_frame),
          String(firstFrame.p50),
          String(firstFrame.p99),
          String(summary.got_terminal_event),
          `${health.p50} / ${health.p99}`,
          String(peak.rssMiB),
          String(peak.redisConnections),
        ],
      ],
    );
    return { mode: "streams", model: "scripted (slow, in the bench process)", streams: summary };
  } finally {
    await services.stop();
    await provider.close();
  }
}
