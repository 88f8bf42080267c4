import type { NewPendingToolCall } from "../../domain/pending-tool-call.js";
import { predictedStateFor } from "../../domain/predicted-state.js";
import type { AgentState } from "../../domain/state-snapshot.js";
import type { ToolClassification } from "../../domain/tool-policy.js";
import type { ToolConfig } from "../config/runtime-config.js";

/**
 * The interrupt and predictive-state fields of a new pending call: an approval or an
 * ask-the-user call gets its AG-UI interrupt (id, TTL, and for ask-the-user the question), a
 * predictive-state tool the values its keys have now.
 */
export function callAguiFields({
  toolCallId,
  classification,
  tool,
  agentState,
  defaultTtlSeconds,
}: {
  toolCallId: string;
  classification: ToolClassification;
  tool: ToolConfig | undefined;
  agentState: AgentState;
  defaultTtlSeconds: number;
}): Partial<NewPendingToolCall> {
  const fields: Partial<NewPendingToolCall> = {};
  if (classification.mode === "BACKEND_APPROVAL_INTERRUPT") {
    fields.interruptId = `interrupt-${toolCallId}`;
    fields.ttlSeconds = classification.policy.approval_ttl_seconds ?? defaultTtlSeconds;
  }
  if (classification.mode === "BACKEND_INPUT_INTERRUPT" && tool?.interrupt) {
    const { reason, message, response_schema, ttl_seconds } = tool.interrupt;
    fields.interruptId = `interrupt-${toolCallId}`;
    fields.ttlSeconds = ttl_seconds ?? defaultTtlSeconds;
    fields.interrupt = { reason, message, ...(response_schema ? { response_schema } : {}) };
  }
  if (tool?.predict_state && classification.mode !== "FRONTEND_EXECUTE") {
    fields.predictedState = predictedStateFor({ entries: tool.predict_state, state: agentState });
  }
  return fields;
}
