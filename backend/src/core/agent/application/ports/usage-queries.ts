import type { CostSource, LlmCallStatus } from "./llm-call-record.js";

/** One `llm_calls` row as the metering API shows it. */
export interface LlmCallView {
  id: string;
  runId: string;
  sessionId: string;
  agentType: string;
  stage: string;
  provider: string;
  modelRequested: string;
  modelResponse: string | null;
  responseId: string | null;
  status: LlmCallStatus;
  finishReason: string | null;
  startedAt: Date;
  firstTokenAt: Date | null;
  endedAt: Date;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Exact decimal USD; null when unpriced. */
  costUsd: string | null;
  costSource: CostSource;
  error: string | null;
}

export const USAGE_GROUPINGS = ["day", "model", "agent", "user"] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

/** Sums over a set of calls, summed exactly in SQL. */
export interface UsageSums {
  calls: number;
  failedCalls: number;
  unpricedCalls: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  costUsd: string;
}

/** One group of `/usage`: a UTC day, a provider model, an agent or a user. */
export interface UsageGroup extends UsageSums {
  key: string;
  /** For `model`: the provider and the model asked for. */
  provider?: string;
  model?: string;
}

/** Reads behind the metering API. `userId: null` is everyone (the admin scope). */
export interface UsageQueries {
  callsOfRun(runId: string): Promise<LlmCallView[]>;
  /** The session's calls oldest first, at most `limit`. */
  callsOfSession(input: { sessionId: string; limit: number }): Promise<LlmCallView[]>;
  usage(input: {
    userId: string | null;
    from: Date;
    to: Date;
    groupBy: UsageGrouping;
  }): Promise<{ totals: UsageSums; groups: UsageGroup[] }>;
}
