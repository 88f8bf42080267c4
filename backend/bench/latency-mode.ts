import {
  type BenchContext,
  benchToken,
  machineCpuMeter,
  runStatusCounts,
} from "./bench-context.js";
import { type BenchServices, rssMiB, startBenchServices } from "./bench-services.js";
import { printTable, type Summary, summarise } from "./bench-stats.js";
import { busyBurst, printBusy } from "./busy-mode.js";
import { loadLevel } from "./load-level.js";

interface LevelReport {
  clients: number;
  runs: number;
  errors: number;
  runs_per_second: number;
  accept_ms: Summary;
  first_event_ms: Summary;
  end_to_end_ms: Summary;
  server_cpu_ms_per_run: { api: number; worker: number; total: number };
  machine_cpu_percent: number;
}

function rssOf(services: BenchServices) {
  return services.processes.map((entry) => ({ role: entry.role, rss_mib: rssMiB(entry.pid) }));
}

/**
 * The default mode: one api and one worker process; per level, `runs` runs by `clients`
 * clients (after a warm-up); then the THREAD_BUSY burst; then `soak` more runs; the RSS of
 * every process idle (before any run), after the levels and after the soak.
 */
export async function runLatencyMode(
  context: BenchContext,
  {
    levels,
    runs,
    warmup,
    busy,
    soak,
  }: {
    levels: number[];
    runs: number;
    warmup: number;
    busy: { posts: number; threads: number } | undefined;
    soak: number;
  },
) {
  const services = await startBenchServices({
    ...context,
    concurrency: Math.max(...levels, 50) * 2,
  });
  try {
    const token = await benchToken(services);
    const idleRss = rssOf(services);
    const results: LevelReport[] = [];
    for (const clients of levels) {
      await loadLevel({
        services,
        token,
        workflow: context.workflow,
        clients,
        runs: Math.max(warmup, clients * 2),
      });
      const meter = machineCpuMeter();
      const level = await loadLevel({ services, token, workflow: context.workflow, clients, runs });
      results.push({
        clients,
        runs: level.timings.length,
        errors: level.errors,
        runs_per_second: Number((level.timings.length / level.elapsedSeconds).toFixed(1)),
        accept_ms: summarise(level.timings.map((timing) => timing.acceptMs)),
        first_event_ms: summarise(level.timings.map((timing) => timing.firstEventMs)),
        end_to_end_ms: summarise(level.timings.map((timing) => timing.endToEndMs)),
        server_cpu_ms_per_run: level.cpuMsPerRun,
        machine_cpu_percent: meter.stop(),
      });
    }
    printLevels(results);
    const rssAfterLevels = rssOf(services);
    const busyResult = busy
      ? await busyBurst({ services, token, workflow: context.workflow, ...busy })
      : undefined;
    if (busyResult) printBusy(busyResult);
    let soakResult: Record<string, unknown> | undefined;
    if (soak > 0) {
      const level = await loadLevel({
        services,
        token,
        workflow: context.workflow,
        clients: 50,
        runs: soak,
      });
      // Let the processes settle (and collect) before reading their memory.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      soakResult = {
        runs: level.timings.length,
        errors: level.errors,
        runs_per_second: Number((level.timings.length / level.elapsedSeconds).toFixed(1)),
        rss_after: rssOf(services),
      };
    }
    const report = {
      model: context.model,
      workflow: context.workflow,
      levels: results,
      rss_idle: idleRss,
      rss_after_levels: rssAfterLevels,
      ...(busyResult ? { busy: busyResult } : {}),
      ...(soakResult ? { soak: soakResult } : {}),
      run_statuses: await runStatusCounts(services.databaseUrl),
    };
    printTable(
      ["RSS (MiB)", ...services.processes.map((entry) => entry.role)],
      [
        ["idle", ...idleRss.map((entry) => String(entry.rss_mib))],
        ["after the levels", ...rssAfterLevels.map((entry) => String(entry.rss_mib))],
        ...(soakResult
          ? [
              [
                `after ${soak} more runs`,
                ...(soakResult.rss_after as { rss_mib: number }[]).map((entry) =>
                  String(entry.rss_mib),
                ),
              ],
            ]
          : []),
      ],
    );
    return report;
  } finally {
    await services.stop();
  }
}

function printLevels(results: LevelReport[]): void {
  printTable(
    [
      "clients",
      "runs",
      "err",
      "runs/s",
      "first event p50 / p99",
      "end to end p50 / p99",
      "server CPU ms/run (api + worker)",
      "machine CPU",
    ],
    results.map((result) => [
      String(result.clients),
      String(result.runs),
      String(result.errors),
      String(result.runs_per_second),
      `${result.first_event_ms.p50} / ${result.first_event_ms.p99} ms`,
      `${result.end_to_end_ms.p50} / ${result.end_to_end_ms.p99} ms`,
      `${result.server_cpu_ms_per_run.total} (${result.server_cpu_ms_per_run.api} + ${result.server_cpu_ms_per_run.worker})`,
      `${result.machine_cpu_percent} %`,
    ]),
  );
}
