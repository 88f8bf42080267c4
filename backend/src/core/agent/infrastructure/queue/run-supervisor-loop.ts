import type { Logger } from "../../application/ports/logger.js";
import type { RunSupervisor } from "../../application/run-supervisor.js";

export interface RunSupervisorLoop {
  close(): Promise<void>;
}

/**
 * Runs the supervisor's passes every `intervalMs` (a pass never overlaps the previous one).
 * A pass that fails (Postgres or Redis away) is logged once until one succeeds again.
 */
export function startRunSupervisorLoop({
  supervisor,
  intervalMs,
  logger,
  resign,
}: {
  supervisor: RunSupervisor;
  intervalMs: number;
  logger: Logger;
  /** Gives the supervisor lock up on close. */
  resign: () => Promise<void>;
}): RunSupervisorLoop {
  let running: Promise<void> | undefined;
  let failing = false;
  let leading = false;
  const pass = async () => {
    try {
      const report = await supervisor.sweep();
      if (report.led !== leading)
        logger.info(
          { leading: report.led },
          report.led ? "run supervisor active" : "run supervisor standing by",
        );
      leading = report.led;
      if (failing) logger.info({}, "run supervisor passes succeed again");
      failing = false;
    } catch (error) {
      if (!failing)
        logger.warn({ err: error }, "run supervisor pass failed; retrying every interval");
      failing = true;
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = pass().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  return {
    async close() {
      clearInterval(timer);
      await running;
      await resign();
    },
  };
}
