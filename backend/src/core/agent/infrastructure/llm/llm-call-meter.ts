import type {
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import type { Span } from "@opentelemetry/api";
import type { PriceOverride } from "../config/runtime-config.js";
import type {
  LlmCallContext,
  LlmCallRecord,
  LlmCallRecorder,
  LlmCallStatus,
} from "./llm-call-record.js";
import { finishLlmCallSpan, startLlmCallSpan } from "./llm-call-span.js";
import { type CallPrice, type CallTokens, priceCall, reportedCost } from "./pricing.js";
import { describeLlmError, rememberLlmErrorOrigin } from "./translate-llm-error.js";

/** The provider model a metered call goes to. */
export interface MeteredTarget {
  provider: string;
  modelId: string;
  priceOverride?: PriceOverride;
}

export interface LlmCallMeterInit {
  id: string;
  clock: () => Date;
  target: MeteredTarget;
  context: LlmCallContext;
  recorder: LlmCallRecorder;
  /** The request's options that the call's span reports. */
  request?: { maxOutputTokens?: number; temperature?: number };
}

type Headers = Record<string, string | undefined>;

/**
 * The state of one provider call, from just before the request to its end. Writes exactly one
 * record, whichever of `complete` / `fail` / `cancel` comes first.
 */
export class LlmCallMeter {
  readonly #init: LlmCallMeterInit;
  readonly #startedAt: Date;
  #firstTokenAt: Date | null = null;
  #responseId: string | null = null;
  #modelResponse: string | null = null;
  #finishReason: string | null = null;
  #usage: LanguageModelV3Usage | undefined;
  #headers: Headers | undefined;
  #streamError: string | null = null;
  #recorded = false;
  readonly #span: Span;

  constructor(init: LlmCallMeterInit) {
    this.#init = init;
    this.#startedAt = init.clock();
    this.#span = startLlmCallSpan({
      callId: init.id,
      provider: init.target.provider,
      modelId: init.target.modelId,
      context: init.context,
      ...init.request,
    });
  }

  setHeaders(headers: Headers | undefined): void {
    this.#headers = headers;
  }

  setResponse(response: { id?: string; modelId?: string } | undefined): void {
    if (response?.id) this.#responseId = response.id;
    if (response?.modelId) this.#modelResponse = response.modelId;
  }

  setOutcome(outcome: { usage: LanguageModelV3Usage; finishReason: LanguageModelV3FinishReason }) {
    this.#usage = outcome.usage;
    this.#finishReason = outcome.finishReason.raw ?? outcome.finishReason.unified;
  }

  /** Called for every stream part: keep it cheap (no allocation on deltas after the first). */
  observe(part: LanguageModelV3StreamPart): void {
    switch (part.type) {
      case "text-delta":
      case "reasoning-delta":
      case "tool-input-start":
      case "tool-input-delta":
      case "tool-call":
        if (this.#firstTokenAt === null) this.#firstTokenAt = this.#init.clock();
        return;
      case "response-metadata":
        this.setResponse(part);
        return;
      case "finish":
        this.setOutcome(part);
        return;
      case "error":
        this.#streamError ??= describeLlmError(part.error);
        return;
      default:
        return;
    }
  }

  /** The call ended normally (an in-stream error part still makes it an error). */
  complete(): void {
    if (this.#streamError !== null) this.#write("error", this.#streamError);
    else this.#write("success", null);
  }

  /** The request or the stream failed. */
  fail(error: unknown, abortSignal: AbortSignal | undefined): void {
    rememberLlmErrorOrigin(error, {
      provider: this.#init.target.provider,
      model: this.#init.target.modelId,
    });
    const timedOut = isTimeout(error) || isTimeout(abortSignal?.reason);
    if (timedOut) this.#write("error", describeLlmError(abortSignal?.reason ?? error));
    else if (abortSignal?.aborted || isAbort(error))
      this.#write("aborted", describeLlmError(error));
    else this.#write("error", describeLlmError(error));
  }

  /** The consumer stopped reading the stream before its end. */
  cancel(reason: unknown, abortSignal: AbortSignal | undefined): void {
    if (isTimeout(reason) || isTimeout(abortSignal?.reason)) {
      this.#write("error", describeLlmError(abortSignal?.reason ?? reason));
    } else {
      this.#write("aborted", reason === undefined ? "stream cancelled" : describeLlmError(reason));
    }
  }

  #write(status: LlmCallStatus, error: string | null): void {
    if (this.#recorded) return;
    this.#recorded = true;
    const { id, clock, target, context, recorder } = this.#init;
    const tokens = tokensOf(this.#usage);
    const price = this.#price(tokens);
    const record: LlmCallRecord = {
      id,
      run_id: context.runId,
      session_id: context.sessionId,
      user_id: context.userId,
      agent_type: context.agentType,
      stage: context.stage,
      provider: target.provider,
      model_requested: target.modelId,
      model_response: this.#modelResponse,
      response_id: this.#responseId,
      started_at: this.#startedAt,
      first_token_at: this.#firstTokenAt,
      ended_at: clock(),
      status,
      finish_reason: this.#finishReason,
      ...tokens,
      total_tokens: tokens.input_tokens + tokens.output_tokens,
      usage_raw: this.#usage?.raw ?? null,
      cost_usd: price.cost_usd,
      cost_source: price.cost_source,
      error,
    };
    finishLlmCallSpan(this.#span, record);
    recorder.record(record);
  }

  #price(tokens: CallTokens): CallPrice {
    const usageRaw = this.#usage?.raw;
    // A call whose usage never arrived is only priced when the provider reported a cost.
    if (!hasTokenCounts(this.#usage) && reportedCost(usageRaw, this.#headers) === null) {
      return { cost_usd: null, cost_source: "unpriced" };
    }
    const { target } = this.#init;
    try {
      return priceCall({
        provider: target.provider,
        modelId: target.modelId,
        tokens,
        usageRaw,
        headers: this.#headers,
        priceOverride: target.priceOverride,
        timestamp: this.#startedAt,
      });
    } catch {
      // A malformed price override must not break the call it meters: it stays unpriced.
      return { cost_usd: null, cost_source: "unpriced" };
    }
  }
}

function hasTokenCounts(usage: LanguageModelV3Usage | undefined): boolean {
  return usage?.inputTokens.total !== undefined || usage?.outputTokens.total !== undefined;
}

function tokensOf(usage: LanguageModelV3Usage | undefined): CallTokens {
  if (usage === undefined) {
    return {
      input_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      output_tokens: 0,
      reasoning_tokens: 0,
    };
  }
  const { inputTokens, outputTokens } = usage;
  const cacheRead = inputTokens.cacheRead ?? 0;
  const cacheWrite = inputTokens.cacheWrite ?? 0;
  const reasoning = outputTokens.reasoning ?? 0;
  return {
    input_tokens: inputTokens.total ?? (inputTokens.noCache ?? 0) + cacheRead + cacheWrite,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    output_tokens: outputTokens.total ?? (outputTokens.text ?? 0) + reasoning,
    reasoning_tokens: reasoning,
  };
}

function isTimeout(value: unknown): boolean {
  return value instanceof Error && value.name === "TimeoutError";
}

function isAbort(value: unknown): boolean {
  return value instanceof Error && value.name === "AbortError";
}
