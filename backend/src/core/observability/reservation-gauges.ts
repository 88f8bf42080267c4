import { Gauge, type Registry } from "prom-client";

/** Open budget reservations per model and agent (read from Postgres at scrape time). */
export interface OpenReservations {
  provider: string;
  model: string;
  agent: string;
  count: number;
  /** Sum of the estimates, USD (approximate, as a gauge is). */
  usd: number;
}

const PREFIX = "agent_runtime_";

/**
 * Reservations held now (not settled, not expired), per model and agent: a count and the USD
 * they hold. Both gauges share one read per scrape.
 */
export function registerReservationGauges(
  registry: Registry,
  openReservations: () => Promise<OpenReservations[]>,
): void {
  let pending: Promise<OpenReservations[]> | undefined;
  const read = () => {
    pending ??= openReservations().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  const labelsOf = (row: OpenReservations) => ({
    provider: row.provider,
    model: row.model,
    agent: row.agent,
  });
  new Gauge({
    name: `${PREFIX}budget_reservations_open`,
    help: "Budget reservations held by model calls in flight (from Postgres)",
    labelNames: ["provider", "model", "agent"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) this.set(labelsOf(row), row.count);
    },
  });
  new Gauge({
    name: `${PREFIX}budget_reserved_usd_open`,
    help: "USD held by open budget reservations (from Postgres)",
    labelNames: ["provider", "model", "agent"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) this.set(labelsOf(row), row.usd);
    },
  });
}
