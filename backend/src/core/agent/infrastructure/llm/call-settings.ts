import type { Settings } from "../../../config/settings.js";

export interface LlmCallSettings {
  /** Retries of one provider call on 429/5xx/network errors, with exponential backoff. */
  maxRetries: number;
  /** Upper bound on one LLM step (request + full stream). */
  timeoutMs: number;
}

/**
 * What the crew runtime passes to `streamText`/`generateText`:
 * `{ maxRetries, timeout: { stepMs: timeoutMs } }`. The AI SDK retries each provider call
 * itself (exponential backoff from 2 s, honouring `retry-after`/`retry-after-ms`), and every
 * attempt passes the metering middleware, so each one is an `llm_calls` record.
 */
export function callSettings(settings: Settings): LlmCallSettings {
  return { maxRetries: settings.llm.max_retries, timeoutMs: settings.llm.request_timeout_ms };
}
