import type { Settings } from "../../../config/settings.js";

export interface LlmCallSettings {
  /** Retries of one provider call on 429/5xx/network errors, with exponential backoff. */
  maxRetries: number;
  /** Upper bound on one LLM step (request + full stream). */
  timeoutMs: number;
}

/**
 * What each crew model step (`streamModelStep` in crew/model-step.ts) runs under: its own
 * `withRetries` retries a provider call that fails before streaming with a retryable error
 * (exponential backoff from 1 s, honouring `retry-after-ms`/`retry-after`), and `timeoutMs`
 * bounds the whole step. Every attempt passes the metering middleware, so each one is an
 * `llm_calls` record.
 */
export function callSettings(settings: Settings): LlmCallSettings {
  return { maxRetries: settings.llm.max_retries, timeoutMs: settings.llm.request_timeout_ms };
}
