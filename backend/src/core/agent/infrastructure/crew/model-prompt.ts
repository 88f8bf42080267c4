import type {
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
  LanguageModelV3ToolCallPart,
  LanguageModelV3ToolResultPart,
} from "@ai-sdk/provider";
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
 * The system prompt and the persisted conversation in the provider-level prompt format the
 * model is called with. Providers reject an assistant tool call that is not followed by its
 * result, so a call left without one (a run that failed or was cancelled in between) gets a
 * placeholder result here; the placeholder is never stored. Consecutive tool results form
 * one tool message, as providers expect after a multi-call step.
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
  const answered = new Set<string>();
  const callNames = new Map<string, string>();
  for (const message of history) {
    if (message.role === "tool") answered.add(message.toolCallId);
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) callNames.set(call.id, call.function.name);
    }
  }

  const prompt: LanguageModelV3Message[] = [{ role: "system", content: system }];
  const pushToolResult = (part: LanguageModelV3ToolResultPart) => {
    const previous = prompt.at(-1);
    if (previous?.role === "tool") previous.content.push(part);
    else prompt.push({ role: "tool", content: [part] });
  };

  for (const message of history) {
    switch (message.role) {
      case "user":
        prompt.push({ role: "user", content: [{ type: "text", text: userText(message.content) }] });
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
        for (const call of calls) {
          if (answered.has(call.id)) continue;
          pushToolResult({
            type: "tool-result",
            toolCallId: call.id,
            toolName: names.toProvider(call.function.name),
            output: { type: "error-text", value: MISSING_RESULT },
          });
        }
        break;
      }
      case "tool": {
        const toolName = callNames.get(message.toolCallId);
        // A result whose call fell out of the history window is meaningless to the model.
        if (toolName === undefined) break;
        pushToolResult({
          type: "tool-result",
          toolCallId: message.toolCallId,
          toolName: names.toProvider(toolName),
          output:
            message.error !== undefined
              ? { type: "error-text", value: message.error || message.content }
              : { type: "text", value: message.content },
        });
        break;
      }
    }
  }
  return prompt;
}
