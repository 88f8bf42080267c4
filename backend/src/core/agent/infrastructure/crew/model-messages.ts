import type { ModelMessage, ToolCallPart, ToolResultPart } from "ai";
import type { ChatMessage } from "../../application/ports/chat-message.js";
import type { ToolNameMap } from "../../domain/tool-policy.js";

/** Result shown to the model for a call whose result never arrived (an abandoned run). */
export const MISSING_RESULT = "No result: this tool call was not completed.";

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function userText(content: string | unknown[]): string {
  if (typeof content === "string") return content;
  return content
    .map((part) => {
      const candidate = part as { type?: unknown; text?: unknown };
      return candidate.type === "text" && typeof candidate.text === "string" ? candidate.text : "";
    })
    .filter(Boolean)
    .join("\n");
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
 * The persisted conversation as AI SDK messages. Providers reject an assistant tool call
 * that is not followed by its result, so a call left without one (a run that failed or was
 * cancelled between the call and its result) gets a placeholder result here; the
 * placeholder is never stored.
 */
export function toModelMessages(
  history: readonly ChatMessage[],
  names: ToolNameMap,
): ModelMessage[] {
  const answered = new Set<string>();
  const callNames = new Map<string, string>();
  for (const message of history) {
    if (message.role === "tool") answered.add(message.toolCallId);
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) callNames.set(call.id, call.function.name);
    }
  }

  const result: ModelMessage[] = [];
  for (const message of history) {
    switch (message.role) {
      case "user":
        result.push({ role: "user", content: userText(message.content) });
        break;
      case "system":
        result.push({ role: "system", content: message.content });
        break;
      case "assistant": {
        const calls = message.toolCalls ?? [];
        if (calls.length === 0) {
          if (message.content) result.push({ role: "assistant", content: message.content });
          break;
        }
        const parts: (ToolCallPart | { type: "text"; text: string })[] = [];
        if (message.content) parts.push({ type: "text", text: message.content });
        for (const call of calls) {
          parts.push({
            type: "tool-call",
            toolCallId: call.id,
            toolName: names.toProvider(call.function.name),
            input: parseArguments(call.function.arguments),
          });
        }
        result.push({ role: "assistant", content: parts });
        const missing = calls.filter((call) => !answered.has(call.id));
        if (missing.length > 0) {
          result.push({
            role: "tool",
            content: missing.map(
              (call): ToolResultPart => ({
                type: "tool-result",
                toolCallId: call.id,
                toolName: names.toProvider(call.function.name),
                output: { type: "error-text", value: MISSING_RESULT },
              }),
            ),
          });
        }
        break;
      }
      case "tool": {
        const toolName = callNames.get(message.toolCallId);
        if (toolName === undefined) break;
        result.push({
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: message.toolCallId,
              toolName: names.toProvider(toolName),
              output:
                message.error !== undefined
                  ? { type: "error-text", value: message.error || message.content }
                  : { type: "text", value: message.content },
            },
          ],
        });
        break;
      }
    }
  }
  return mergeToolMessages(result);
}

/** Consecutive tool messages become one, as providers expect after a multi-call step. */
function mergeToolMessages(messages: ModelMessage[]): ModelMessage[] {
  const merged: ModelMessage[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    if (message.role === "tool" && previous?.role === "tool") {
      previous.content = [...previous.content, ...message.content];
    } else {
      merged.push(message);
    }
  }
  return merged;
}
