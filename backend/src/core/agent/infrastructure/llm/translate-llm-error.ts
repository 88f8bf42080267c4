import { AISDKError, APICallError, UnsupportedFunctionalityError } from "@ai-sdk/provider";
import { RetryError } from "ai";
import { AgentError, LlmProviderError, UnsupportedContentError } from "../../domain/errors.js";

/** Which provider model an error came from (filled in by the metering middleware). */
export interface LlmErrorOrigin {
  provider?: string;
  model?: string;
}

/**
 * The metering middleware sees every failed call together with its target, but must rethrow
 * the SDK's own error (retry logic recognises `APICallError`), so it leaves the
 * origin here for `translateLlmError` to find. Keyed weakly: nothing outlives the error.
 */
const origins = new WeakMap<object, LlmErrorOrigin>();

export function rememberLlmErrorOrigin(error: unknown, origin: LlmErrorOrigin): void {
  if (typeof error === "object" && error !== null && !origins.has(error)) {
    origins.set(error, origin);
  }
}

/** A one-line description of a provider failure, for `llm_calls.error` and logs. */
export function describeLlmError(error: unknown): string {
  if (APICallError.isInstance(error)) {
    return error.statusCode === undefined
      ? error.message
      : `HTTP ${error.statusCode}: ${error.message}`;
  }
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Translates what the AI SDK throws (or emits as a stream `error` part) into our coded
 * errors, once, at the adapter boundary:
 * - `APICallError`, other AI SDK errors, timeouts and bare error values → `LlmProviderError`
 *   (`LLM_PROVIDER_ERROR`, `cause` kept, `details` {status, provider, model, retryable});
 * - `RetryError` (retries exhausted) → the translation of its last error, with `attempts`;
 * - our own coded errors, cancellations (`AbortError`) and unrelated errors pass through
 *   unchanged, so a cancel stays a cancel and a bug is not disguised as a provider failure.
 */
export function translateLlmError(error: unknown, origin?: LlmErrorOrigin): Error {
  if (AgentError.isInstance(error)) return error;
  if (RetryError.isInstance(error)) {
    const last = translateLlmError(error.lastError, origin ?? originOf(error.lastError));
    if (!LlmProviderError.isInstance(last)) return last;
    return new LlmProviderError({
      message: last.message,
      cause: error.lastError,
      details: { ...last.details, attempts: error.errors.length },
    });
  }
  const from = origin ?? originOf(error);
  const where = { provider: from?.provider ?? null, model: from?.model ?? null };
  if (error instanceof Error && error.name === "TimeoutError") {
    return new LlmProviderError({
      message: `LLM call timed out: ${error.message}`,
      cause: error,
      details: { status: null, ...where, timeout: true },
    });
  }
  if (error instanceof Error && error.name === "AbortError") return error;
  if (UnsupportedFunctionalityError.isInstance(error)) {
    // Raised by the provider adapter before any request: e.g. an image for a text-only model.
    const model = [where.provider, where.model].filter(Boolean).join("/") || "the agent's model";
    return new UnsupportedContentError({
      message: `${model} does not accept this input: ${error.message}`,
      cause: error,
      details: { ...where, functionality: error.functionality },
    });
  }
  if (APICallError.isInstance(error)) {
    return new LlmProviderError({
      message: `LLM provider call failed: ${describeLlmError(error)}`,
      cause: error,
      details: { status: error.statusCode ?? null, ...where, retryable: error.isRetryable },
    });
  }
  if (AISDKError.isInstance(error) || !(error instanceof Error)) {
    return new LlmProviderError({
      message: `LLM provider call failed: ${describeLlmError(error)}`,
      cause: error,
      details: { status: null, ...where },
    });
  }
  return error;
}

function originOf(error: unknown): LlmErrorOrigin | undefined {
  return typeof error === "object" && error !== null ? origins.get(error) : undefined;
}
