import type { Span } from "@opentelemetry/api";
import {
  AGENT_RUNTIME,
  GEN_AI,
  GEN_AI_OPERATION,
  GEN_AI_USAGE_COST,
  LANGFUSE,
} from "../../../../core/observability/genai-attributes.js";
import { markFailed, SpanKind, startSpan } from "../../../../core/observability/trace-spans.js";
import type { LlmCallContext, LlmCallRecord } from "./llm-call-record.js";

/**
 * The span of one provider call (`chat {model}`, kind CLIENT) with the GenAI semantic
 * conventions' attributes: started with the request, finished with the call's `llm_calls`
 * record (usage, cost, outcome). A no-op span when tracing is off.
 */
export function startLlmCallSpan({
  callId,
  provider,
  modelId,
  context,
  maxOutputTokens,
  temperature,
}: {
  callId: string;
  provider: string;
  modelId: string;
  context: LlmCallContext;
  maxOutputTokens?: number;
  temperature?: number;
}): Span {
  return startSpan(`${GEN_AI_OPERATION.chat} ${modelId}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [GEN_AI.operationName]: GEN_AI_OPERATION.chat,
      [GEN_AI.providerName]: provider,
      [GEN_AI.requestModel]: modelId,
      [GEN_AI.conversationId]: context.sessionId,
      [GEN_AI.agentName]: context.agentType,
      [AGENT_RUNTIME.runId]: context.runId,
      [AGENT_RUNTIME.stage]: context.stage,
      [AGENT_RUNTIME.callId]: callId,
      ...(maxOutputTokens === undefined ? {} : { [GEN_AI.requestMaxTokens]: maxOutputTokens }),
      ...(temperature === undefined ? {} : { [GEN_AI.requestTemperature]: temperature }),
    },
  });
}

export function finishLlmCallSpan(span: Span, record: LlmCallRecord): void {
  if (span.isRecording()) {
    span.setAttributes({
      [GEN_AI.inputTokens]: record.input_tokens,
      [GEN_AI.outputTokens]: record.output_tokens,
      [GEN_AI.cacheReadInputTokens]: record.cache_read_tokens,
      [GEN_AI.cacheCreationInputTokens]: record.cache_write_tokens,
      [GEN_AI.reasoningOutputTokens]: record.reasoning_tokens,
      [AGENT_RUNTIME.costSource]: record.cost_source,
      [AGENT_RUNTIME.callStatus]: record.status,
      [LANGFUSE.usageDetails]: JSON.stringify(langfuseUsage(record)),
      ...(record.model_response ? { [GEN_AI.responseModel]: record.model_response } : {}),
      ...(record.response_id ? { [GEN_AI.responseId]: record.response_id } : {}),
      ...(record.finish_reason ? { [GEN_AI.responseFinishReasons]: [record.finish_reason] } : {}),
    });
    if (record.cost_usd !== null) {
      span.setAttribute(GEN_AI_USAGE_COST, Number(record.cost_usd));
      span.setAttribute(LANGFUSE.costDetails, JSON.stringify({ total: Number(record.cost_usd) }));
    }
    if (record.first_token_at) {
      span.setAttribute(
        GEN_AI.responseTimeToFirstChunk,
        (record.first_token_at.getTime() - record.started_at.getTime()) / 1000,
      );
      span.setAttribute(LANGFUSE.completionStartTime, record.first_token_at.toISOString());
    }
    if (record.status !== "success")
      markFailed(span, { code: record.status }, record.error ?? record.status);
  }
  span.end();
}

/** Langfuse counts usage in exclusive buckets; our counts (and OpenTelemetry's) are inclusive. */
function langfuseUsage(record: LlmCallRecord): Record<string, number> {
  return {
    input: Math.max(0, record.input_tokens - record.cache_read_tokens - record.cache_write_tokens),
    input_cached_tokens: record.cache_read_tokens,
    input_cache_creation_tokens: record.cache_write_tokens,
    output: Math.max(0, record.output_tokens - record.reasoning_tokens),
    output_reasoning_tokens: record.reasoning_tokens,
    total: record.input_tokens + record.output_tokens,
  };
}
