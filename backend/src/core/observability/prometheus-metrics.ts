import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { LlmCallRecord } from "../agent/application/ports/llm-call-record.js";
import type { RunMetrics } from "../agent/application/ports/run-metrics.js";
import type { RunStatus } from "../agent/domain/run-status.js";

const PREFIX = "agent_runtime_";

/**
 * The service's Prometheus metrics. Counters and histograms are recorded where the work
 * happens (runs and LLM calls on the worker, admissions on the api); gauges read the queue
 * and Postgres when scraped.
 */
export class PrometheusMetrics implements RunMetrics {
  readonly registry = new Registry();
  private readonly runsAccepted: Counter<"kind">;
  private readonly runsEnded: Counter<"status">;
  private readonly llmDuration: Histogram<"provider" | "model" | "status">;
  private readonly llmFirstToken: Histogram<"provider" | "model">;
  private readonly llmTokens: Counter<"provider" | "model" | "kind">;
  private readonly llmCost: Counter<"provider" | "model">;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    const registers = [this.registry];
    this.runsAccepted = new Counter({
      name: `${PREFIX}runs_accepted_total`,
      help: "Runs and resumes accepted by the api",
      labelNames: ["kind"],
      registers,
    });
    this.runsEnded = new Counter({
      name: `${PREFIX}runs_ended_total`,
      help: "Runs that ended on a worker, by final status",
      labelNames: ["status"],
      registers,
    });
    this.llmDuration = new Histogram({
      name: `${PREFIX}llm_call_duration_seconds`,
      help: "Provider call duration, request to last chunk",
      labelNames: ["provider", "model", "status"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    });
    this.llmFirstToken = new Histogram({
      name: `${PREFIX}llm_time_to_first_token_seconds`,
      help: "Provider call start to the first streamed token",
      labelNames: ["provider", "model"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.llmTokens = new Counter({
      name: `${PREFIX}llm_tokens_total`,
      help: "Tokens by kind (input includes cached; output includes reasoning)",
      labelNames: ["provider", "model", "kind"],
      registers,
    });
    this.llmCost = new Counter({
      name: `${PREFIX}llm_cost_usd_total`,
      help: "LLM cost in USD (approximate; the exact sums are in Postgres)",
      labelNames: ["provider", "model"],
      registers,
    });
  }

  runAccepted(kind: "run" | "resume"): void {
    this.runsAccepted.inc({ kind });
  }

  runEnded(status: RunStatus): void {
    this.runsEnded.inc({ status });
  }

  llmCall(record: LlmCallRecord): void {
    const labels = { provider: record.provider, model: record.model_requested };
    const seconds = (record.ended_at.getTime() - record.started_at.getTime()) / 1000;
    this.llmDuration.observe({ ...labels, status: record.status }, seconds);
    if (record.first_token_at) {
      this.llmFirstToken.observe(
        labels,
        (record.first_token_at.getTime() - record.started_at.getTime()) / 1000,
      );
    }
    this.llmTokens.inc({ ...labels, kind: "input" }, record.input_tokens);
    this.llmTokens.inc({ ...labels, kind: "output" }, record.output_tokens);
    this.llmTokens.inc({ ...labels, kind: "cached_input" }, record.cache_read_tokens);
    this.llmTokens.inc({ ...labels, kind: "reasoning" }, record.reasoning_tokens);
    if (record.cost_usd !== null) this.llmCost.inc(labels, Number(record.cost_usd));
  }

  /** Gauges computed at scrape time (queue depth, active runs). */
  addScrapeGauges({
    queueDepth,
    activeRuns,
  }: {
    queueDepth: () => Promise<number>;
    activeRuns: () => Promise<Record<string, number>>;
  }): void {
    new Gauge({
      name: `${PREFIX}queue_depth`,
      help: "Jobs waiting or delayed in the run queue",
      registers: [this.registry],
      async collect() {
        this.set(await queueDepth());
      },
    });
    new Gauge({
      name: `${PREFIX}runs_active`,
      help: "Runs queued or running, from Postgres",
      labelNames: ["status"],
      registers: [this.registry],
      async collect() {
        const counts = await activeRuns();
        for (const status of ["queued", "running"]) this.set({ status }, counts[status] ?? 0);
      },
    });
  }
}
