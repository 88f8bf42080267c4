import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";

/**
 * A conservative count of the tokens a prompt will cost, without a tokenizer (each provider
 * has its own, and running one per call would cost more than the call's bookkeeping): UTF-8
 * bytes / 3 over every text, argument, result and tool definition. English runs ~4 bytes per
 * token and code or JSON ~3, so this over-estimates them; CJK text is ~3 bytes per character
 * and about a token per character, so it stays close. A file (image, PDF page) counts as a
 * fixed 1,600 tokens, about what a large image costs at the main providers.
 */
const BYTES_PER_TOKEN = 3;
const TOKENS_PER_FILE = 1600;
/** Role and framing tokens every message costs. */
const TOKENS_PER_MESSAGE = 4;

export function estimatePromptTokens({
  prompt,
  tools,
}: Pick<LanguageModelV3CallOptions, "prompt" | "tools">): number {
  let bytes = 0;
  let tokens = 0;
  for (const message of prompt) {
    tokens += TOKENS_PER_MESSAGE;
    if (typeof message.content === "string") {
      bytes += Buffer.byteLength(message.content, "utf8");
      continue;
    }
    for (const part of message.content) {
      switch (part.type) {
        case "text":
        case "reasoning":
          bytes += Buffer.byteLength(part.text, "utf8");
          break;
        case "file":
          tokens += TOKENS_PER_FILE;
          break;
        case "tool-call":
          bytes += Buffer.byteLength(part.toolName, "utf8") + jsonBytes(part.input);
          break;
        case "tool-result":
          bytes += Buffer.byteLength(part.toolName, "utf8") + jsonBytes(part.output);
          break;
        default:
          bytes += jsonBytes(part);
      }
    }
  }
  for (const tool of tools ?? []) bytes += jsonBytes(tool);
  return tokens + Math.ceil(bytes / BYTES_PER_TOKEN);
}

function jsonBytes(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}
