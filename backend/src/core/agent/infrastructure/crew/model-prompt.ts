import type {
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
  LanguageModelV3ToolCallPart,
  LanguageModelV3ToolResultPart,
} from "@ai-sdk/provider";
import type { ChatMessage } from "../../application/ports/chat-message.js";
import type { ToolNameMap } from "../../domain/tool-policy.js";
import { toUserContent } from "./user-content.js";

/** Result shown to the model for a call whose result never arrived (an abandoned run). */
export const MISSING_RESULT = "No result: this tool call was not completed.";

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Every tool name used by assistant messages of the history. */
export function historyToolNames(history: readonly ChatMessage[]): string[] {
  const names = new Set<string>();
  for (const message of history) {
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) names.add(call.function.name);
    }
  }
  return [...names];
}

/**
 * The system prompt and the persisted conversation in the provider-level prompt format the
 * model is called with. Providers require an assistant tool call to be followed at once by its
 * result, so each call's result is placed right after the assistant message that made it, in
 * one tool message, wherever it was stored (a user message sent together with a resume is
 * stored before the approved tool's result, which only exists after it ran). A call left
 * without a result (a run that failed or was cancelled in between) gets a placeholder result,
 * which is never stored.
 */
export function toModelPrompt({
  system,
  history,
  names,
}: {
  system: string;
  history: readonly ChatMessage[];
  names: ToolNameMap;
}): LanguageModelV3Prompt {
  const results = resultsByCall(history);

  const prompt: LanguageModelV3Message[] = [{ role: "system", content: system }];
  for (const message of history) {
    switch (message.role) {
      case "user":
        prompt.push({ role: "user", content: toUserContent(message.content) });
        break;
      case "system":
        prompt.push({ role: "system", content: message.content });
        break;
      case "assistant": {
        const calls = message.toolCalls ?? [];
        const content: (LanguageModelV3TextPart | LanguageModelV3ToolCallPart)[] = [];
        if (message.content) content.push({ type: "text", text: message.content });
        for (const call of calls) {
          content.push({
            type: "tool-call",
            toolCallId: call.id,
            toolName: names.toProvider(call.function.name),
            input: parseArguments(call.function.arguments),
          });
        }
        if (content.length === 0) break;
        prompt.push({ role: "assistant", content });
        if (calls.length === 0) break;
        prompt.push({
          role: "tool",
          content: calls.map((call, index): LanguageModelV3ToolResultPart => {
            const result = results.get(`${message.id}#${index}`);
            return {
              type: "tool-result",
              toolCallId: call.id,
              toolName: names.toProvider(call.function.name),
              output:
                result === undefined
                  ? { type: "error-text", value: MISSING_RESULT }
                  : result.error !== undefined
                    ? { type: "error-text", value: result.error || result.content }
                    : { type: "text", value: result.content },
            };
          }),
        });
        break;
      }
      case "tool":
        // Placed after the call that asked for it (above); a result whose call fell out of the
        // history window means nothing to the model.
        break;
    }
  }
  return prompt;
}

/**
 * Each tool message answers the latest earlier call with its id that has no answer yet,
 * keyed `<assistant message id>#<call index>`. Ids are unique within a thread for calls this
 * runtime made, but imported histories (and providers with deterministic ids) may repeat one
 * across turns: each turn's call then still gets its own result, never an earlier turn's.
 */
function resultsByCall(
  history: readonly ChatMessage[],
): Map<string, Extract<ChatMessage, { role: "tool" }>> {
  const waiting = new Map<string, string[]>();
  const results = new Map<string, Extract<ChatMessage, { role: "tool" }>>();
  for (const message of history) {
    if (message.role === "assistant") {
      (message.toolCalls ?? []).forEach((call, index) => {
        const keys = waiting.get(call.id) ?? [];
        keys.push(`${message.id}#${index}`);
        waiting.set(call.id, keys);
      });
    } else if (message.role === "tool") {
      const key = waiting.get(message.toolCallId)?.pop();
      if (key !== undefined) results.set(key, message);
    }
  }
  return results;
}
