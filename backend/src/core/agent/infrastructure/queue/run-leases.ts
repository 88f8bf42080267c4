import type { Logger } from "../../application/ports/logger.js";
import type { RunRecoveryStore } from "../../application/ports/run-recovery-store.js";

/**
 * The leases of the runs this worker process executes: every third of a lease, one statement
 * extends them all. The supervisor leaves a run alone while its lease is live, even when the
 * queue lost its job (a Redis restart under a working worker).
 */
export class RunLeases {
  private readonly held = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private failing = false;

  constructor(
    private readonly recovery: Pick<RunRecoveryStore, "renewLeases">,
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  hold(runId: string): void {
    this.held.set(runId, (this.held.get(runId) ?? 0) + 1);
  }

  release(runId: string): void {
    const count = (this.held.get(runId) ?? 1) - 1;
    if (count > 0) this.held.set(runId, count);
    else this.held.delete(runId);
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.recovery.renewLeases({ runIds: [...this.held.keys()], leaseMs: this.leaseMs });
      if (this.failing) this.logger.info({}, "run leases renewed again");
      this.failing = false;
    } catch (error) {
      // Postgres is away: the runs' own writes fail too and wait out the outage.
      if (!this.failing) this.logger.warn({ err: error }, "could not renew run leases");
      this.failing = true;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
