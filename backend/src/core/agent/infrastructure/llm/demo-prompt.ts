import type { LanguageModelV3Message, LanguageModelV3Prompt } from "@ai-sdk/provider";

/** Text of the last user message (text parts joined), or "" when there is none. */
export function lastUserText(prompt: LanguageModelV3Prompt): string {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index];
    if (message?.role !== "user") continue;
    return message.content
      .map((part) => (part.type === "text" ? part.text : ""))
      .join(" ")
      .trim();
  }
  return "";
}

/** The system messages joined: the agent's instructions. */
export function instructionsText(prompt: LanguageModelV3Prompt): string {
  return prompt.map((message) => (message.role === "system" ? message.content : "")).join("\n");
}

/** Tool calls already in the conversation; keeps the demo's tool call ids distinct. */
export function toolCallCount(prompt: LanguageModelV3Prompt): number {
  let count = 0;
  for (const message of prompt) {
    if (message.role !== "assistant") continue;
    for (const part of message.content) if (part.type === "tool-call") count++;
  }
  return count;
}

/** Rough prompt size in characters, for the demo's token estimate. */
export function promptCharacters(prompt: LanguageModelV3Prompt): number {
  let characters = 0;
  for (const message of prompt) characters += messageCharacters(message);
  return characters;
}

function messageCharacters(message: LanguageModelV3Message): number {
  if (message.role === "system") return message.content.length;
  let characters = 0;
  for (const part of message.content) {
    if (part.type === "text" || part.type === "reasoning") characters += part.text.length;
    else if (part.type === "tool-call") characters += safeLength(part.input);
    else if (part.type === "tool-result") characters += safeLength(part.output);
  }
  return characters;
}

function safeLength(value: unknown): number {
  if (typeof value === "string") return value.length;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** About four characters per token, at least one. */
export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}
