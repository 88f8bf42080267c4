import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { LlmCallRecord } from "../agent/application/ports/llm-call-record.js";
import type { RunMetrics } from "../agent/application/ports/run-metrics.js";
import type {
  AbandonReason,
  StrandedReason,
  SupervisorMetrics,
} from "../agent/application/ports/supervisor-metrics.js";
import type { BudgetScope } from "../agent/domain/budget.js";
import type { RunStatus } from "../agent/domain/run-status.js";
import { type OpenReservations, registerReservationGauges } from "./reservation-gauges.js";

const PREFIX = "agent_runtime_";

/**
 * The service's Prometheus metrics. Counters and histograms are recorded where the work
 * happens (runs and LLM calls on the worker, admissions on the api); gauges read the queue
 * and Postgres when scraped.
 */
export class PrometheusMetrics implements RunMetrics, SupervisorMetrics {
  readonly registry = new Registry();
  private readonly runsAccepted: Counter<"kind">;
  private readonly runsEnded: Counter<"status">;
  private readonly llmDuration: Histogram<"provider" | "model" | "status">;
  private readonly llmFirstToken: Histogram<"provider" | "model">;
  private readonly llmTokens: Counter<"provider" | "model" | "agent" | "kind">;
  private readonly llmCost: Counter<"provider" | "model" | "agent">;
  private readonly budgetReservations: Counter<"provider" | "model" | "agent">;
  private readonly budgetReservedUsd: Counter<"provider" | "model" | "agent">;
  private readonly budgetRefusals: Counter<"scope" | "stage">;
  private readonly budgetWarnings: Counter<"scope">;
  private readonly runsRecovered: Counter<"reason">;
  private readonly runsAbandoned: Counter<"reason">;
  private readonly sessionsReleased: Counter;

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
    this.runsRecovered = new Counter({
      name: `${PREFIX}runs_recovered_total`,
      help: "Runs the supervisor queued again after their job or worker was lost, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.runsAbandoned = new Counter({
      name: `${PREFIX}runs_abandoned_total`,
      help: "Runs the supervisor gave up (RUN_ABANDONED), by reason",
      labelNames: ["reason"],
      registers,
    });
    this.sessionsReleased = new Counter({
      name: `${PREFIX}sessions_released_total`,
      help: "Sessions the supervisor released because their active run had ended or was missing",
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
      labelNames: ["provider", "model", "agent", "kind"],
      registers,
    });
    this.llmCost = new Counter({
      name: `${PREFIX}llm_cost_usd_total`,
      help: "LLM spend in USD by model and agent (approximate; the exact sums are in Postgres)",
      labelNames: ["provider", "model", "agent"],
      registers,
    });
    this.budgetReservations = new Counter({
      name: `${PREFIX}budget_reservations_total`,
      help: "Model calls that reserved their estimated cost against the budgets",
      labelNames: ["provider", "model", "agent"],
      registers,
    });
    this.budgetReservedUsd = new Counter({
      name: `${PREFIX}budget_reserved_usd_total`,
      help: "Estimated USD reserved before model calls (compare with llm_cost_usd_total)",
      labelNames: ["provider", "model", "agent"],
      registers,
    });
    this.budgetRefusals = new Counter({
      name: `${PREFIX}budget_refusals_total`,
      help: "Runs refused at admission (429) and model calls refused (RUN_ERROR) by a budget",
      labelNames: ["scope", "stage"],
      registers,
    });
    this.budgetWarnings = new Counter({
      name: `${PREFIX}budget_soft_limit_warnings_total`,
      help: "Runs warned that a budget passed its soft limit",
      labelNames: ["scope"],
      registers,
    });
  }

  runAccepted(kind: "run" | "resume"): void {
    this.runsAccepted.inc({ kind });
  }

  runEnded(status: RunStatus): void {
    this.runsEnded.inc({ status });
  }

  runRecovered(reason: StrandedReason): void {
    this.runsRecovered.inc({ reason });
  }

  runAbandoned(reason: AbandonReason): void {
    this.runsAbandoned.inc({ reason });
  }

  sessionReleased(): void {
    this.sessionsReleased.inc();
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
    const byAgent = { ...labels, agent: record.agent_type };
    this.llmTokens.inc({ ...byAgent, kind: "input" }, record.input_tokens);
    this.llmTokens.inc({ ...byAgent, kind: "output" }, record.output_tokens);
    this.llmTokens.inc({ ...byAgent, kind: "cached_input" }, record.cache_read_tokens);
    this.llmTokens.inc({ ...byAgent, kind: "reasoning" }, record.reasoning_tokens);
    if (record.cost_usd !== null) this.llmCost.inc(byAgent, Number(record.cost_usd));
  }

  budgetReserved({
    provider,
    model,
    agent,
    estimateUsd,
  }: {
    provider: string;
    model: string;
    agent: string;
    estimateUsd: string | null;
  }): void {
    const labels = { provider, model, agent };
    this.budgetReservations.inc(labels);
    if (estimateUsd !== null) this.budgetReservedUsd.inc(labels, Number(estimateUsd));
  }

  budgetRefused({ scope, stage }: { scope: BudgetScope; stage: "admission" | "call" }): void {
    this.budgetRefusals.inc({ scope, stage });
  }

  budgetWarning(scope: BudgetScope): void {
    this.budgetWarnings.inc({ scope });
  }

  /** Gauges computed at scrape time (queue depth, active runs). */
  /** The api's live followers, read from the stream hub at scrape time. */
  addStreamFollowerGauges(
    stats: () => { followers: number; streams: number; readers: number; overflows: number },
  ): void {
    const gauges = [
      ["stream_followers", "SSE followers of run streams in this process", "followers"],
      ["streams_followed", "Run streams this process reads live for its followers", "streams"],
      ["stream_reader_connections", "Redis connections reading run streams", "readers"],
      [
        "stream_follower_overflows",
        "Followers that fell behind their buffer and read on by themselves, since start",
        "overflows",
      ],
    ] as const;
    for (const [name, help, field] of gauges) {
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        registers: [this.registry],
        collect() {
          this.set(stats()[field]);
        },
      });
    }
  }

  addScrapeGauges({
    queueDepth,
    activeRuns,
    openReservations,
  }: {
    queueDepth: () => Promise<number>;
    activeRuns: () => Promise<Record<string, number>>;
    openReservations?: () => Promise<OpenReservations[]>;
  }): void {
    if (openReservations) registerReservationGauges(this.registry, openReservations);
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
