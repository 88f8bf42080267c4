import {
  type BenchContext,
  benchToken,
  machineCpuMeter,
  runStatusCounts,
} from "./bench-context.js";
import { startBenchServices } from "./bench-services.js";
import { printTable, summarise } from "./bench-stats.js";
import { loadLevel } from "./load-level.js";

/**
 * `--scale`: the same load (`clients` clients, `runs` runs) against 1 api + 1 worker and then
 * against 2 api + 3 worker processes (clients spread over the apis), each layout on a fresh
 * database. The machine's CPU utilisation during each shows what limits the larger layout.
 */
export async function runScaleMode(
  context: BenchContext,
  { clients, runs, warmup }: { clients: number; runs: number; warmup: number },
) {
  const layouts = [
    { apis: 1, workers: 1 },
    { apis: 2, workers: 3 },
  ];
  const results = [];
  for (const layout of layouts) {
    const services = await startBenchServices({ ...context, ...layout, concurrency: clients * 2 });
    try {
      const token = await benchToken(services);
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
        ...layout,
        clients,
        runs: level.timings.length,
        errors: level.errors,
        runs_per_second: Number((level.timings.length / level.elapsedSeconds).toFixed(1)),
        end_to_end_ms: summarise(level.timings.map((timing) => timing.endToEndMs)),
        server_cpu_ms_per_run: level.cpuMsPerRun,
        machine_cpu_percent: meter.stop(),
        run_statuses: await runStatusCounts(services.databaseUrl),
      });
    } finally {
      await services.stop();
    }
  }
  const base = results[0]?.runs_per_second ?? 1;
  printTable(
    [
      "api + worker",
      "clients",
      "runs",
      "err",
      "runs/s",
      "× 1+1",
      "end to end p50 / p99",
      "server CPU ms/run",
      "machine CPU",
    ],
    results.map((result) => [
      `${result.apis} + ${result.workers}`,
      String(result.clients),
      String(result.runs),
      String(result.errors),
      String(result.runs_per_second),
      (result.runs_per_second / base).toFixed(2),
      `${result.end_to_end_ms.p50} / ${result.end_to_end_ms.p99} ms`,
      String(result.server_cpu_ms_per_run.total),
      `${result.machine_cpu_percent} %`,
    ]),
  );
  return { model: context.model, workflow: context.workflow, scale: results };
}
