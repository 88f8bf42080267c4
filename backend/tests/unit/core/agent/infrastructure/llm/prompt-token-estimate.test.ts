import type { LanguageModelV3Prompt } from "@ai-sdk/provider";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimatePromptTokens } from "../../../../../../src/core/agent/infrastructure/llm/prompt-token-estimate.js";

const user = (text: string): LanguageModelV3Prompt[number] => ({
  role: "user",
  content: [{ type: "text", text }],
});

describe("estimatePromptTokens", () => {
  it("counts UTF-8 bytes / 3 plus a few tokens per message", () => {
    expect(estimatePromptTokens({ prompt: [user("a".repeat(300))] })).toBe(4 + 100);
    // Three bytes per CJK character: about a token per character, as tokenizers count them.
    expect(estimatePromptTokens({ prompt: [user("字".repeat(100))] })).toBe(4 + 100);
  });

  it("counts system text, tool calls, tool results and tool definitions", () => {
    const prompt: LanguageModelV3Prompt = [
      { role: "system", content: "s".repeat(30) },
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookup", input: '{"q":"x"}' }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "lookup",
            output: { type: "text", value: "found" },
          },
        ],
      },
    ];
    const withoutTools = estimatePromptTokens({ prompt });
    expect(withoutTools).toBeGreaterThan(12 + 10);
    const withTools = estimatePromptTokens({
      prompt,
      tools: [
        { type: "function", name: "lookup", inputSchema: { type: "object", properties: {} } },
      ],
    });
    expect(withTools).toBeGreaterThan(withoutTools);
  });

  it("counts a file as a fixed 1,600 tokens, whatever its encoded size", () => {
    const file: LanguageModelV3Prompt[number] = {
      role: "user",
      content: [{ type: "file", mediaType: "image/png", data: "A".repeat(3_000_000) }],
    };
    expect(estimatePromptTokens({ prompt: [file] })).toBe(4 + 1600);
  });

  it("never estimates less than a quarter-token per byte of text, and grows with the text (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (first, more) => {
        const base = estimatePromptTokens({ prompt: [user(first)] });
        expect(base).toBeGreaterThanOrEqual(Buffer.byteLength(first) / 4);
        expect(estimatePromptTokens({ prompt: [user(first + more)] })).toBeGreaterThanOrEqual(base);
      }),
    );
  });
});
