import type { BudgetWarning } from "../../domain/budget-warnings.js";

/** Who a provider call is made for; copied onto its `llm_calls` row. */
export interface LlmCallContext {
  runId: string;
  sessionId: string;
  /** The run's user: whose budget the call spends. */
  userId: string;
  agentType: string;
  stage: string;
}

export type LlmCallStatus = "success" | "error" | "aborted";

export type CostSource = "provider_reported" | "genai_prices" | "override" | "unpriced";

/** One row of `llm_calls` (ARCHITECTURE.md §4.3): one per provider call, retries included. */
export interface LlmCallRecord {
  id: string;
  run_id: string;
  session_id: string;
  user_id: string;
  agent_type: string;
  stage: string;
  provider: string;
  /** The provider model id that was asked for (not the model code). */
  model_requested: string;
  model_response: string | null;
  response_id: string | null;
  started_at: Date;
  first_token_at: Date | null;
  ended_at: Date;
  status: LlmCallStatus;
  finish_reason: string | null;
  /** Every prompt token, cache reads and writes included. */
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** Every generated token, reasoning included. */
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  usage_raw: unknown | null;
  /** Exact decimal USD string, at most 12 fractional digits; null when unpriced. */
  cost_usd: string | null;
  cost_source: CostSource;
  error: string | null;
}

/** Port: receives each finished call; the worker buffers records into its checkpoint. */
export interface LlmCallRecorder {
  record(call: LlmCallRecord): void;
  /** A budget passed its soft limit before a call (the recorder reports it once per scope). */
  budgetWarning?(warning: BudgetWarning): void;
}
