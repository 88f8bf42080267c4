import { type BenchServices, cpuSeconds } from "./bench-services.js";
import { oneRun, type RunTiming } from "./run-client.js";

export interface LevelResult {
  timings: RunTiming[];
  elapsedSeconds: number;
  errors: number;
  /** Server CPU (user + system) per finished run, ms, by role and in all. */
  cpuMsPerRun: { api: number; worker: number; total: number };
}

/**
 * `runs` runs (each one user turn on a new thread) by `clients` clients that each start the
 * next run as soon as theirs ended; client i talks to api i mod n. The server CPU is the
 * api and worker processes' own (from /proc), over the level.
 */
export async function loadLevel({
  services,
  token,
  workflow,
  clients,
  runs,
}: {
  services: BenchServices;
  token: string;
  workflow: string;
  clients: number;
  runs: number;
}): Promise<LevelResult> {
  const timings: RunTiming[] = [];
  let errors = 0;
  let started = 0;
  const cpuBefore = services.processes.map((entry) => cpuSeconds(entry.pid));
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const baseUrl = services.baseUrls[client % services.baseUrls.length] as string;
      while (started < runs) {
        started++;
        try {
          timings.push(await oneRun({ baseUrl, token, workflow }));
        } catch (error) {
          errors += 1;
          if (errors <= 3) console.error(error instanceof Error ? error.message : error);
        }
      }
    }),
  );
  const elapsedSeconds = (performance.now() - begin) / 1000;
  const spent = { api: 0, worker: 0 };
  services.processes.forEach((entry, index) => {
    spent[entry.role] += cpuSeconds(entry.pid) - (cpuBefore[index] ?? 0);
  });
  const perRun = (seconds: number) =>
    Number(((seconds * 1000) / Math.max(timings.length, 1)).toFixed(2));
  return {
    timings,
    elapsedSeconds,
    errors,
    cpuMsPerRun: {
      api: perRun(spent.api),
      worker: perRun(spent.worker),
      total: perRun(spent.api + spent.worker),
    },
  };
}
