import type { BenchContext } from "./bench-context.js";
import { benchToken, machineCpuMeter, runStatusCounts } from "./bench-context.js";
import { type BenchServices, startBenchServices } from "./bench-services.js";
import { printTable, summarise } from "./bench-stats.js";
import { type PostOutcome, postRun, userTurn, warmSockets } from "./run-client.js";

export interface BusyResult {
  posts: number;
  threads: number;
  accepted: number;
  refused_thread_busy: number;
  other: Record<string, number>;
  refusal_ms: ReturnType<typeof summarise>;
  accept_ms: ReturnType<typeof summarise>;
  elapsed_s: number;
  machine_cpu_percent: number;
}

/**
 * `posts` POST /runs at once, spread over `threads` threads (new ones): the first on each
 * thread is accepted and streams, the others meet a busy thread and must be refused with
 * 409 THREAD_BUSY quickly, whatever the accepted runs are doing. The sockets are opened
 * first, so the burst measures requests, not TCP handshakes.
 */
export async function busyBurst({
  services,
  token,
  workflow,
  posts,
  threads,
}: {
  services: BenchServices;
  token: string;
  workflow: string;
  posts: number;
  threads: number;
}): Promise<BusyResult> {
  await warmSockets(services.baseUrls, posts);
  const threadIds = Array.from(
    { length: threads },
    (_, index) => `bench-busy-${Date.now()}-${index}`,
  );
  const bodies = Array.from({ length: posts }, (_, index) =>
    userTurn({ workflow, threadId: threadIds[index % threads] as string }),
  );
  const meter = machineCpuMeter();
  const begin = performance.now();
  const outcomes = await Promise.all(
    bodies.map((body, index) =>
      postRun({
        baseUrl: services.baseUrls[index % services.baseUrls.length] as string,
        token,
        body,
      }).catch(
        (error: unknown): PostOutcome => ({
          status: 0,
          answerMs: Number.NaN,
          errorCode: error instanceof Error ? error.message : String(error),
        }),
      ),
    ),
  );
  const elapsed = (performance.now() - begin) / 1000;
  const refused = outcomes.filter((outcome) => outcome.errorCode === "THREAD_BUSY");
  const accepted = outcomes.filter((outcome) => outcome.status === 202);
  const other: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.status === 202 || outcome.errorCode === "THREAD_BUSY") continue;
    const key = `${outcome.status} ${outcome.errorCode ?? ""}`.trim();
    other[key] = (other[key] ?? 0) + 1;
  }
  return {
    posts,
    threads,
    accepted: accepted.length,
    refused_thread_busy: refused.length,
    other,
    refusal_ms: summarise(refused.map((outcome) => outcome.answerMs)),
    accept_ms: summarise(accepted.map((outcome) => outcome.answerMs)),
    elapsed_s: Number(elapsed.toFixed(2)),
    machine_cpu_percent: meter.stop(),
  };
}

export function printBusy(result: BusyResult): void {
  printTable(
    [
      "POSTs / threads",
      "accepted",
      "THREAD_BUSY",
      "other",
      "refusal p50 / p99",
      "accept (headers) p50 / p99",
      "elapsed",
    ],
    [
      [
        `${result.posts} / ${result.threads}`,
        String(result.accepted),
        String(result.refused_thread_busy),
        JSON.stringify(result.other),
        `${result.refusal_ms.p50} / ${result.refusal_ms.p99} ms`,
        `${result.accept_ms.p50} / ${result.accept_ms.p99} ms`,
        `${result.elapsed_s} s`,
      ],
    ],
  );
}

/** `--busy`: only the refusal burst, on its own api + worker. */
export async function runBusyMode(
  context: BenchContext,
  { posts, threads }: { posts: number; threads: number },
) {
  const services = await startBenchServices({ ...context, concurrency: 100 });
  try {
    const token = await benchToken(services);
    const result = await busyBurst({ services, token, workflow: context.workflow, posts, threads });
    printBusy(result);
    // Let the accepted runs end before their database is dropped.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { busy: result, run_statuses: await runStatusCounts(services.databaseUrl) };
  } finally {
    await services.stop();
  }
}
