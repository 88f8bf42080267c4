import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import type { BudgetLedger } from "../../application/ports/budget-ledger.js";
import {
  type AgentBudget,
  type BudgetLimits,
  type BudgetScope,
  limitsForAgent,
} from "../../domain/budget.js";
import { breachDetails, breachMessage } from "../../domain/budget-breach.js";
import { softLimitWarnings } from "../../domain/budget-warnings.js";
import { BudgetExceededError } from "../../domain/errors.js";
import type { MeteredTarget } from "./llm-call-meter.js";
import type { LlmCallContext, LlmCallRecorder } from "./llm-call-record.js";
import { priceCall } from "./pricing.js";
import { estimatePromptTokens } from "./prompt-token-estimate.js";

/** The budget settings the worker applies to every call. */
export interface CallBudgetPolicy {
  defaults: BudgetLimits;
  /** Output tokens a call without `max_tokens` is estimated and capped at. */
  maxOutputTokens: number;
  reservationTtlSeconds: number;
  unpriced: "tokens_only" | "refuse";
  softLimitRatio: number;
}

/** What the guard reports for monitoring (Prometheus in production). */
export interface BudgetMetrics {
  budgetReserved(input: {
    provider: string;
    model: string;
    agent: string;
    estimateUsd: string | null;
  }): void;
  budgetRefused(input: { scope: BudgetScope; stage: "admission" | "call" }): void;
}

export interface BudgetGuardDependencies {
  ledger: BudgetLedger;
  policy: CallBudgetPolicy;
  metrics?: BudgetMetrics;
}

/**
 * The budget check of one agent's model calls: before each provider call it estimates the
 * call (prompt tokens, output cap, the model's price at that time) and reserves the estimate
 * in one Postgres statement that checks every limit; a call that does not fit is not made
 * (BUDGET_EXCEEDED). The checkpoint that writes the call's `llm_calls` row settles the
 * reservation, so a user's concurrent runs can overshoot a limit only by what a call costs
 * beyond its estimate, and a call's output cannot exceed its estimate (the cap is sent).
 */
export class CallBudgetGuard {
  private readonly limits: BudgetLimits;

  constructor(
    private readonly dependencies: BudgetGuardDependencies,
    private readonly call: {
      context: LlmCallContext;
      target: MeteredTarget;
      agentBudget: AgentBudget | undefined;
      recorder: LlmCallRecorder;
      clock: () => Date;
    },
  ) {
    this.limits = limitsForAgent(dependencies.policy.defaults, call.agentBudget);
  }

  /** The output cap to send: the agent's `max_tokens`, else the settings cap. */
  outputCap(requested: number | undefined): number {
    return requested ?? this.dependencies.policy.maxOutputTokens;
  }

  /** Reserves the call's estimate under `callId`; throws BUDGET_EXCEEDED when it does not fit. */
  async reserve({
    callId,
    params,
  }: {
    callId: string;
    params: LanguageModelV3CallOptions;
  }): Promise<void> {
    const { ledger, policy, metrics } = this.dependencies;
    const { context, target, recorder, clock } = this.call;
    const now = clock();
    const inputTokens = estimatePromptTokens(params);
    const outputTokens = this.outputCap(params.maxOutputTokens);
    const estimateUsd = estimateCost({ target, inputTokens, outputTokens, now });
    const estimateTokens = inputTokens + outputTokens;
    const outcome = await ledger.reserve({
      id: callId,
      userId: context.userId,
      sessionId: context.sessionId,
      runId: context.runId,
      agentType: context.agentType,
      provider: target.provider,
      model: target.modelId,
      estimateUsd,
      estimateTokens,
      limits: this.limits,
      unpriced: policy.unpriced,
      now,
      expiresAt: new Date(now.getTime() + policy.reservationTtlSeconds * 1000),
    });
    if (!outcome.reserved) {
      metrics?.budgetRefused({ scope: outcome.breach.scope, stage: "call" });
      throw new BudgetExceededError({
        message: breachMessage(outcome.breach),
        details: breachDetails(outcome.breach),
      });
    }
    metrics?.budgetReserved({
      provider: target.provider,
      model: target.modelId,
      agent: context.agentType,
      estimateUsd,
    });
    for (const warning of softLimitWarnings({
      usages: outcome.usages,
      estimateUsd,
      estimateTokens,
      ratio: policy.softLimitRatio,
    })) {
      recorder.budgetWarning?.(warning);
    }
  }
}

/**
 * The price of the estimate at the model's full input rate (no cache discount), from the
 * same sources as the real cost (genai-prices, then the models.yaml override); null when the
 * model has no known price.
 */
function estimateCost({
  target,
  inputTokens,
  outputTokens,
  now,
}: {
  target: MeteredTarget;
  inputTokens: number;
  outputTokens: number;
  now: Date;
}): string | null {
  try {
    return priceCall({
      provider: target.provider,
      modelId: target.modelId,
      tokens: {
        input_tokens: inputTokens,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        output_tokens: outputTokens,
        reasoning_tokens: 0,
      },
      usageRaw: undefined,
      headers: undefined,
      priceOverride: target.priceOverride,
      timestamp: now,
    }).cost_usd;
  } catch {
    // A malformed price override: the model counts as unpriced, as its real cost will.
    return null;
  }
}
