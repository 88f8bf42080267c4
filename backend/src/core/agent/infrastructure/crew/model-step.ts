import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3FunctionTool,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import type { CrewEvent } from "../../application/ports/run-event.js";
import { LlmProviderError, UnsupportedContentError } from "../../domain/errors.js";
import type { ToolNameMap } from "../../domain/tool-policy.js";
import { abortableSleep } from "../llm/abortable-sleep.js";
import type { LlmCallSettings } from "../llm/call-settings.js";
import { translateLlmError } from "../llm/translate-llm-error.js";
import type { PredictiveStateStream } from "./predictive-state-stream.js";
import { ToolCallIdAllocator } from "./run-tool-call-ids.js";

export interface StepToolCall {
  toolCallId: string;
  /** Our tool name (dots allowed), mapped back from the provider function name. */
  toolName: string;
  args: Record<string, unknown>;
  /** The arguments were not a JSON object. */
  invalid: boolean;
  /** Why they were not (e.g. the JSON parser's message), when `invalid`. */
  invalidReason?: string;
  /** The arguments exactly as the model sent them. */
  rawArguments: string;
}

export interface StepResult {
  messageId: string;
  text: string;
  toolCalls: StepToolCall[];
  finishReason: string;
  /** The run was cancelled mid-step: `text` is what had streamed, tool calls are dropped. */
  aborted: boolean;
}

/**
 * One LLM step, straight on the provider-level model (`doStream`, through the metering
 * middleware): streams the answer, reporting text and tool-call events as they arrive (when
 * `visible`), and returns the complete text and tool calls. The model gets no tool
 * executors: the crew decides what happens to each call. Calls that fail before streaming
 * with a retryable error (429, 5xx, network) are retried with backoff; the whole step is
 * bounded by the step timeout.
 *
 * Why not `streamText`: it stacks several web-stream transforms, telemetry and tool plumbing
 * we do not use, and measured as the largest CPU cost of a run. The provider interface is the
 * AI SDK's stable seam, so this stays one adapter deep.
 */
export async function streamModelStep({
  model,
  prompt,
  tools,
  names,
  forceAnswer,
  messageId,
  visible,
  emit,
  signal,
  callSettings,
  temperature,
  maxOutputTokens,
  responseFormat,
  toolCallIds = new ToolCallIdAllocator([]),
  predictive,
}: {
  model: LanguageModelV3;
  prompt: LanguageModelV3Prompt;
  tools: LanguageModelV3FunctionTool[];
  names: ToolNameMap;
  /** The last iteration allowed: no more tool calls, answer now. */
  forceAnswer: boolean;
  messageId: string;
  visible: boolean;
  emit: (event: CrewEvent) => void;
  signal: AbortSignal;
  callSettings: LlmCallSettings;
  temperature?: number;
  maxOutputTokens?: number;
  /** Structured output (a task's `output_json`): providers that support it constrain the answer. */
  responseFormat?: LanguageModelV3CallOptions["responseFormat"];
  /** Maps the provider's tool-call ids to ids unique in the conversation. */
  toolCallIds?: ToolCallIdAllocator;
  /** Streams predictive-state tools' arguments into the shared state (visible steps). */
  predictive?: PredictiveStateStream;
}): Promise<StepResult> {
  const timeout = AbortSignal.timeout(callSettings.timeoutMs);
  const abortSignal = AbortSignal.any([signal, timeout]);
  const state = new StepState({
    messageId,
    visible,
    emit,
    names,
    forceAnswer,
    toolCallIds,
    ...(predictive ? { predictive } : {}),
  });
  const timedOut = () =>
    new LlmProviderError({
      message: `The model did not finish within ${callSettings.timeoutMs} ms`,
      details: { timeout_ms: callSettings.timeoutMs },
    });
  try {
    const { stream } = await withRetries({
      call: () =>
        model.doStream({
          prompt,
          ...(tools.length > 0
            ? { tools, toolChoice: { type: forceAnswer ? "none" : "auto" } }
            : {}),
          ...(temperature === undefined ? {} : { temperature }),
          ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
          ...(responseFormat === undefined ? {} : { responseFormat }),
          abortSignal,
        }),
      maxRetries: callSettings.maxRetries,
      signal: abortSignal,
    });
    const reader = stream.getReader();
    const stop = () => void reader.cancel().catch(() => {});
    abortSignal.addEventListener("abort", stop, { once: true });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || abortSignal.aborted) break;
        state.accept(value);
      }
    } finally {
      abortSignal.removeEventListener("abort", stop);
    }
  } catch (error) {
    if (signal.aborted) return state.aborted();
    if (timeout.aborted) throw timedOut();
    throw translateLlmError(error);
  }
  if (signal.aborted) return state.aborted();
  if (timeout.aborted) throw timedOut();
  return state.finished();
}

/** Folds the provider's stream parts into events and the step's result. */
class StepState {
  private text = "";
  private textOpen = false;
  private finishReason = "unknown";
  private readonly toolCalls: StepToolCall[] = [];
  private readonly started = new Set<string>();
  private readonly ended = new Set<string>();

  constructor(
    private readonly context: {
      messageId: string;
      visible: boolean;
      emit: (event: CrewEvent) => void;
      names: ToolNameMap;
      /** Tool calls are not allowed on this step: any the model makes anyway are ignored. */
      forceAnswer: boolean;
      toolCallIds: ToolCallIdAllocator;
      predictive?: PredictiveStateStream;
    },
  ) {}

  accept(part: LanguageModelV3StreamPart): void {
    const { messageId } = this.context;
    // A call the crew will drop must not reach the client, which would wait for or run it.
    if (this.context.forceAnswer && part.type.startsWith("tool-")) return;
    switch (part.type) {
      case "text-delta":
        if (part.delta.length === 0) return;
        if (!this.textOpen) {
          this.report({ type: "text-start", messageId });
          this.textOpen = true;
        }
        this.text += part.delta;
        this.report({ type: "text-delta", messageId, delta: part.delta });
        return;
      case "tool-input-start": {
        this.closeText();
        const toolCallId = this.context.toolCallIds.start(part.id);
        this.started.add(toolCallId);
        this.report({
          type: "tool-call-start",
          toolCallId,
          toolName: this.nameOf(part.toolName),
          parentMessageId: messageId,
        });
        return;
      }
      case "tool-input-delta":
        if (part.delta.length > 0)
          this.report({
            type: "tool-call-delta",
            toolCallId: this.context.toolCallIds.of(part.id),
            delta: part.delta,
          });
        return;
      case "tool-input-end": {
        const toolCallId = this.context.toolCallIds.of(part.id);
        this.ended.add(toolCallId);
        this.report({ type: "tool-call-end", toolCallId });
        return;
      }
      case "tool-call":
        this.acceptToolCall(part.toolCallId, part.toolName, part.input);
        return;
      case "stream-start": {
        // Some adapters (DeepSeek's) drop a part they cannot send with only a warning: the
        // model would answer without the user's image or file. Refuse instead.
        const dropped = part.warnings.find(
          (warning) =>
            warning.type === "unsupported" && /message part|file part/i.test(warning.feature),
        );
        if (dropped && dropped.type === "unsupported") {
          throw new UnsupportedContentError({
            message: `The agent's model does not accept this input (${dropped.feature}); nothing was sent in its place`,
            details: { feature: dropped.feature },
          });
        }
        return;
      }
      case "finish":
        this.finishReason = part.finishReason.unified;
        return;
      case "error":
        throw part.error;
      default:
        return;
    }
  }

  finished(): StepResult {
    this.closeText();
    return {
      messageId: this.context.messageId,
      text: this.text,
      toolCalls: this.toolCalls,
      finishReason: this.finishReason,
      aborted: false,
    };
  }

  aborted(): StepResult {
    this.closeText();
    for (const id of this.started)
      if (!this.ended.has(id)) this.report({ type: "tool-call-end", toolCallId: id });
    return {
      messageId: this.context.messageId,
      text: this.text,
      toolCalls: [],
      finishReason: "aborted",
      aborted: true,
    };
  }

  private acceptToolCall(providerId: string, providerName: string, input: string): void {
    this.closeText();
    const toolCallId = this.context.toolCallIds.complete(providerId);
    const toolName = this.nameOf(providerName);
    let args: unknown;
    let invalidReason: string | undefined;
    try {
      args = input.trim() === "" ? {} : JSON.parse(input);
    } catch (error) {
      args = undefined;
      invalidReason = `the arguments are not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
    const valid = typeof args === "object" && args !== null && !Array.isArray(args);
    if (!valid && invalidReason === undefined)
      invalidReason = "the arguments must be a JSON object";
    const record = valid ? (args as Record<string, unknown>) : {};
    if (!this.started.has(toolCallId)) {
      this.report({
        type: "tool-call-start",
        toolCallId,
        toolName,
        parentMessageId: this.context.messageId,
      });
      this.report({
        type: "tool-call-delta",
        toolCallId,
        delta: valid ? input : JSON.stringify(record),
      });
    }
    if (!this.ended.has(toolCallId)) {
      this.ended.add(toolCallId);
      this.report({ type: "tool-call-end", toolCallId });
    }
    this.toolCalls.push({
      toolCallId,
      toolName,
      args: record,
      invalid: !valid,
      ...(invalidReason === undefined ? {} : { invalidReason }),
      rawArguments: input,
    });
  }

  private nameOf(providerName: string): string {
    return this.context.names.fromProvider(providerName) ?? providerName;
  }

  private closeText(): void {
    if (this.textOpen) this.report({ type: "text-end", messageId: this.context.messageId });
    this.textOpen = false;
  }

  private report(event: CrewEvent): void {
    if (!this.context.visible) return;
    const { predictive } = this.context;
    if (event.type === "tool-call-start") predictive?.start(event.toolCallId, event.toolName);
    this.context.emit(event);
    if (event.type === "tool-call-delta") predictive?.delta(event.toolCallId, event.delta);
  }
}

const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Retries a provider call that failed before streaming with a retryable error, honouring
 * `retry-after-ms` / `retry-after`, else backing off exponentially from one second.
 */
async function withRetries<T>({
  call,
  maxRetries,
  signal,
}: {
  call: () => PromiseLike<T>;
  maxRetries: number;
  signal: AbortSignal;
}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (
        signal.aborted ||
        attempt >= maxRetries ||
        !APICallError.isInstance(error) ||
        !error.isRetryable
      )
        throw error;
      await abortableSleep(retryDelay(error, attempt), signal);
    }
  }
}

function retryDelay(error: APICallError, attempt: number): number {
  const headers = error.responseHeaders ?? {};
  const milliseconds = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] !== undefined && Number.isFinite(milliseconds))
    return Math.min(milliseconds, MAX_RETRY_DELAY_MS);
  const seconds = Number(headers["retry-after"]);
  if (headers["retry-after"] !== undefined && Number.isFinite(seconds))
    return Math.min(seconds * 1000, MAX_RETRY_DELAY_MS);
  return Math.min(1000 * 2 ** attempt, MAX_RETRY_DELAY_MS);
}
