import type { BudgetState } from "../../core/agent/application/budget-service.js";
import type { LlmCallView, UsageSums } from "../../core/agent/application/ports/usage-queries.js";
import type { UsageReport } from "../../core/agent/application/usage-service.js";
import type { ScopeLimit } from "../../core/agent/domain/budget.js";
import { compareDecimal, subtractDecimal } from "../../core/agent/domain/decimal.js";

/** One provider call as GET /runs/{id} and GET /sessions/{id} list it. */
export function llmCallJson(call: LlmCallView) {
  return {
    id: call.id,
    run_id: call.runId,
    session_id: call.sessionId,
    agent_type: call.agentType,
    stage: call.stage,
    provider: call.provider,
    model_requested: call.modelRequested,
    model_response: call.modelResponse,
    response_id: call.responseId,
    status: call.status,
    finish_reason: call.finishReason,
    started_at: call.startedAt.toISOString(),
    first_token_at: call.firstTokenAt?.toISOString() ?? null,
    ended_at: call.endedAt.toISOString(),
    latency_ms: call.endedAt.getTime() - call.startedAt.getTime(),
    time_to_first_token_ms: call.firstTokenAt
      ? call.firstTokenAt.getTime() - call.startedAt.getTime()
      : null,
    tokens: {
      input: call.inputTokens,
      cache_read: call.cacheReadTokens,
      cache_write: call.cacheWriteTokens,
      output: call.outputTokens,
      reasoning: call.reasoningTokens,
      total: call.totalTokens,
    },
    cost_usd: call.costUsd,
    cost_source: call.costSource,
    error: call.error,
  };
}

function sumsJson(sums: UsageSums) {
  return {
    calls: sums.calls,
    failed_calls: sums.failedCalls,
    unpriced_calls: sums.unpricedCalls,
    input_tokens: sums.inputTokens,
    cache_read_tokens: sums.cacheReadTokens,
    cache_write_tokens: sums.cacheWriteTokens,
    output_tokens: sums.outputTokens,
    reasoning_tokens: sums.reasoningTokens,
    total_tokens: sums.totalTokens,
    cost_usd: sums.costUsd,
  };
}

export function usageReportJson(report: UsageReport) {
  return {
    user_id: report.userId,
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    group_by: report.groupBy,
    totals: sumsJson(report.totals),
    groups: report.groups.map((group) => ({
      key: group.key,
      ...(group.provider === undefined ? {} : { provider: group.provider }),
      ...(group.model === undefined ? {} : { model: group.model }),
      ...sumsJson(group),
    })),
  };
}

function limitJson(limit: ScopeLimit) {
  return { limit_usd: limit.usd, limit_tokens: limit.tokens };
}

export function budgetStateJson(state: BudgetState) {
  const { user } = state;
  const remainingUsd = (limit: string) => {
    const left = subtractDecimal(subtractDecimal(limit, user.spentUsd), user.reservedUsd);
    return compareDecimal(left, "0") < 0 ? "0" : left;
  };
  return {
    enabled: state.enabled,
    user_id: state.userId,
    soft_limit_ratio: state.softLimitRatio,
    user: {
      ...limitJson(user.limit),
      period: user.period ?? "none",
      period_start: user.periodStart?.toISOString() ?? null,
      resets_at: user.resetsAt?.toISOString() ?? null,
      spent_usd: user.spentUsd,
      spent_tokens: user.spentTokens,
      reserved_usd: user.reservedUsd,
      reserved_tokens: user.reservedTokens,
      remaining_usd: user.limit.usd === null ? null : remainingUsd(user.limit.usd),
      remaining_tokens:
        user.limit.tokens === null
          ? null
          : Math.max(0, user.limit.tokens - user.spentTokens - user.reservedTokens),
    },
    session_default: limitJson(state.defaults.session),
    run_default: limitJson(state.defaults.run),
    override: state.override,
  };
}
