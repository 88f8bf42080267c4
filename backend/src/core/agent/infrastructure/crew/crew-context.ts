import type { ChatMessage } from "../../application/ports/chat-message.js";
import type { CrewRunInput } from "../../application/ports/crew-runner.js";
import type { AuditRecord } from "../../application/ports/run-store.js";
import type { JsonSchemaValidator } from "../../domain/json-schema-validator.js";
import type { StateSnapshot } from "../../domain/state-snapshot.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import type { LlmCallSettings } from "../llm/call-settings.js";
import type { LlmGateway } from "../llm/llm-gateway.js";
import type { ToolExecutor } from "./tool-executor.js";

/** What every part of the crew runtime shares (one object, passed down). */
export interface CrewDependencies {
  gateway: LlmGateway;
  tools: ToolExecutor;
  ids: () => string;
  clock: () => Date;
  callSettings: LlmCallSettings;
  /** Approval TTL for tools that do not set one. */
  defaultApprovalTtlSeconds: number;
  /** Checks structured answers (a task's `output_json`) against their schema. */
  validator: JsonSchemaValidator;
  /** Largest shared state (JSON bytes) a tool may leave behind. */
  agentStateMaxBytes: number;
}

/** The mutable state of one run being executed: the latest snapshot and the conversation. */
export interface CrewRunState {
  input: CrewRunInput;
  config: RuntimeConfig;
  snapshot: StateSnapshot;
  history: ChatMessage[];
  /** Audit rows waiting for the next checkpoint (a context stage's tool calls). */
  audit?: AuditRecord[];
}

/**
 * Persists a step and continues from the stored snapshot (which carries the usage totals).
 * Audit rows waiting in the state go with it, with the step's own.
 */
export async function checkpointStep(
  state: CrewRunState,
  step: {
    snapshot: StateSnapshot;
    messages: ChatMessage[];
    stage?: string;
    deferrable?: boolean;
    audit?: AuditRecord[];
  },
): Promise<void> {
  const audit = [...(state.audit ?? []), ...(step.audit ?? [])];
  state.audit = [];
  state.snapshot = await state.input.checkpoint({
    snapshot: step.snapshot,
    ...(step.deferrable ? { deferrable: true } : {}),
    ...(audit.length > 0 ? { audit } : {}),
    messages: step.messages.map((message) => ({
      ...message,
      ...(step.stage ? { stage: step.stage } : {}),
    })),
  });
  state.history.push(...step.messages);
}

export function latestUserText(history: readonly ChatMessage[]): string {
  for (let index = history.length - 1; index >= 0; index--) {
    const message = history[index];
    if (message?.role !== "user") continue;
    if (typeof message.content === "string") return message.content;
    return message.content
      .map((part) => {
        const candidate = part as { type?: unknown; text?: unknown };
        return candidate.type === "text" && typeof candidate.text === "string"
          ? candidate.text
          : "";
      })
      .join(" ")
      .trim();
  }
  return "";
}
