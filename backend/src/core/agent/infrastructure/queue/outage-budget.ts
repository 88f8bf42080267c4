/** Longest wait between two tries of a run during an outage. */
const MAX_DELAY_MS = 10_000;

/**
 * How long each run may keep waiting for Postgres or Redis to come back: from its first
 * failure in an outage, tries are spaced by a doubling delay (capped at 10 s) until the
 * budget is spent; then the failure counts as an attempt.
 */
export class OutageBudget {
  private readonly outages = new Map<string, { since: number; tries: number }>();

  constructor(private readonly options: { budgetMs: number; firstDelayMs: number }) {}

  /** The delay before the run's next try, or undefined when its budget is spent. */
  nextDelay(runId: string, now = Date.now()): number | undefined {
    this.forgetOld(now);
    const outage = this.outages.get(runId) ?? { since: now, tries: 0 };
    if (now - outage.since >= this.options.budgetMs) {
      this.outages.delete(runId);
      return undefined;
    }
    outage.tries += 1;
    this.outages.set(runId, outage);
    return Math.min(this.options.firstDelayMs * 2 ** (outage.tries - 1), MAX_DELAY_MS);
  }

  clear(runId: string): void {
    this.outages.delete(runId);
  }

  /** A run another worker finished leaves its entry here; drop those long past any budget. */
  private forgetOld(now: number): void {
    for (const [runId, outage] of this.outages) {
      if (now - outage.since > 2 * this.options.budgetMs) this.outages.delete(runId);
    }
  }
}
