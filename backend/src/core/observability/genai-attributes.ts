/**
 * Span attribute names of the OpenTelemetry GenAI semantic conventions (status: Development,
 * as published in @opentelemetry/semantic-conventions 1.45 `incubating`). Copied rather than
 * imported, as that package advises for incubating names, so a rename upstream is a visible
 * change here.
 */
export const GEN_AI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  cacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  cacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens",
  reasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  conversationId: "gen_ai.conversation.id",
  agentName: "gen_ai.agent.name",
  workflowName: "gen_ai.workflow.name",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  toolType: "gen_ai.tool.type",
} as const;

/** `gen_ai.operation.name` values. */
export const GEN_AI_OPERATION = {
  chat: "chat",
  invokeAgent: "invoke_agent",
  invokeWorkflow: "invoke_workflow",
  executeTool: "execute_tool",
} as const;

/**
 * Not in the conventions (they define no cost attribute): the call's cost in USD, a de-facto
 * extension that Langfuse maps to the observation's total cost.
 */
export const GEN_AI_USAGE_COST = "gen_ai.usage.cost";

/**
 * Langfuse-specific attributes (they take precedence there): usage in Langfuse's exclusive
 * buckets (input without cached tokens, output without reasoning) and the cost, as JSON, and
 * the first token's time.
 */
export const LANGFUSE = {
  usageDetails: "langfuse.observation.usage_details",
  costDetails: "langfuse.observation.cost_details",
  completionStartTime: "langfuse.observation.completion_start_time",
} as const;

/** Our own attributes, for what the conventions do not name. */
export const AGENT_RUNTIME = {
  runId: "agent_runtime.run.id",
  runKind: "agent_runtime.run.kind",
  runAttempt: "agent_runtime.run.attempt",
  stage: "agent_runtime.stage",
  callId: "agent_runtime.llm_call.id",
  costSource: "agent_runtime.cost_source",
  callStatus: "agent_runtime.llm_call.status",
} as const;
