import type { LanguageModelV3 } from "@ai-sdk/provider";
import { type ModelMessage, streamText, type Tool } from "ai";
import type { CrewEvent } from "../../application/ports/run-event.js";
import { LlmProviderError } from "../../domain/errors.js";
import type { ToolNameMap } from "../../domain/tool-policy.js";
import type { LlmCallSettings } from "../llm/call-settings.js";
import { translateLlmError } from "../llm/translate-llm-error.js";

export interface StepToolCall {
  toolCallId: string;
  /** Our tool name (dots allowed), mapped back from the provider function name. */
  toolName: string;
  args: Record<string, unknown>;
  /** The model asked for a tool it was not offered or sent arguments that are not JSON. */
  invalid: boolean;
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
 * One LLM step: streams the model's answer, reporting text and tool-call events as they
 * arrive (when `visible`), and returns the complete text and tool calls. Tools have no
 * `execute`: the crew decides what happens to each call.
 */
export async function runAgentStep({
  model,
  system,
  messages,
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
}: {
  model: LanguageModelV3;
  system: string;
  messages: ModelMessage[];
  tools: Record<string, Tool>;
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
}): Promise<StepResult> {
  const hasTools = Object.keys(tools).length > 0;
  const result = streamText({
    model,
    system,
    messages,
    ...(hasTools ? { tools, toolChoice: forceAnswer ? ("none" as const) : ("auto" as const) } : {}),
    abortSignal: signal,
    maxRetries: callSettings.maxRetries,
    timeout: { stepMs: callSettings.timeoutMs },
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    // Errors surface as `error` parts below and are thrown from here, translated once.
    onError: () => {},
  });

  let text = "";
  let textOpen = false;
  let finishReason = "unknown";
  const toolCalls: StepToolCall[] = [];
  const started = new Set<string>();
  const ended = new Set<string>();
  const nameOf = (providerName: string) => names.fromProvider(providerName) ?? providerName;
  const report = (event: CrewEvent) => {
    if (visible) emit(event);
  };
  const closeText = () => {
    if (textOpen) report({ type: "text-end", messageId });
    textOpen = false;
  };

  const aborted = (): StepResult => {
    closeText();
    for (const id of started) if (!ended.has(id)) report({ type: "tool-call-end", toolCallId: id });
    return { messageId, text, toolCalls: [], finishReason: "aborted", aborted: true };
  };

  try {
    for await (const part of result.fullStream) {
      switch (part.type) {
        case "text-delta":
          if (part.text.length === 0) break;
          if (!textOpen) {
            report({ type: "text-start", messageId });
            textOpen = true;
          }
          text += part.text;
          report({ type: "text-delta", messageId, delta: part.text });
          break;
        case "tool-input-start":
          closeText();
          started.add(part.id);
          report({
            type: "tool-call-start",
            toolCallId: part.id,
            toolName: nameOf(part.toolName),
            parentMessageId: messageId,
          });
          break;
        case "tool-input-delta":
          if (part.delta.length > 0)
            report({ type: "tool-call-delta", toolCallId: part.id, delta: part.delta });
          break;
        case "tool-input-end":
          ended.add(part.id);
          report({ type: "tool-call-end", toolCallId: part.id });
          break;
        case "tool-call": {
          closeText();
          const toolName = nameOf(part.toolName);
          const args = isObject(part.input) ? part.input : {};
          if (!started.has(part.toolCallId)) {
            report({
              type: "tool-call-start",
              toolCallId: part.toolCallId,
              toolName,
              parentMessageId: messageId,
            });
            report({
              type: "tool-call-delta",
              toolCallId: part.toolCallId,
              delta: JSON.stringify(args),
            });
          }
          if (!ended.has(part.toolCallId))
            report({ type: "tool-call-end", toolCallId: part.toolCallId });
          toolCalls.push({
            toolCallId: part.toolCallId,
            toolName,
            args,
            invalid: part.invalid === true || !isObject(part.input),
          });
          break;
        }
        case "finish-step":
          finishReason = part.finishReason;
          break;
        case "error":
          if (signal.aborted) return aborted();
          closeText();
          throw translateLlmError(part.error);
        case "abort":
          if (signal.aborted) return aborted();
          // Not our signal: the step timeout (`timeout.stepMs`) ended the stream.
          closeText();
          throw new LlmProviderError({
            message: `The model did not finish within ${callSettings.timeoutMs} ms`,
            details: { timeout_ms: callSettings.timeoutMs },
          });
        default:
          break;
      }
    }
  } catch (error) {
    if (signal.aborted) return aborted();
    throw translateLlmError(error);
  }
  if (signal.aborted) return aborted();
  closeText();
  return { messageId, text, toolCalls, finishReason, aborted: false };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
