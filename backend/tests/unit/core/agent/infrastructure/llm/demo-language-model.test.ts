import { generateText, jsonSchema, type ModelMessage, streamText, type ToolSet, tool } from "ai";
import { describe, expect, it } from "vitest";
import { DemoLanguageModel } from "../../../../../../src/core/agent/infrastructure/llm/demo-language-model.js";

const clock = () => new Date("2026-01-01T00:00:00Z");
const demo = new DemoLanguageModel({ clock });

/** Tools as the crew runtime offers them: provider-safe names, no `execute` (it decides). */
const TOOLS: ToolSet = {
  srv_get_current_time: tool({
    description: "Returns the current server time.",
    inputSchema: jsonSchema({ type: "object", properties: { timezone: { type: "string" } } }),
  }),
  srv_transfer_funds: tool({
    description: "Transfers money to another account (requires approval).",
    inputSchema: jsonSchema({
      type: "object",
      properties: {
        amount: { type: "number" },
        currency: { type: "string" },
        to_account: { type: "string" },
        memo: { type: "string" },
      },
      required: ["amount", "currency", "to_account"],
    }),
  }),
  ui_navigate_to: tool({
    description: "Client-side navigation.",
    inputSchema: jsonSchema({
      type: "object",
      properties: { path: { type: "string" } },
      required: ["path"],
    }),
  }),
};

async function streamed(options: {
  prompt?: string;
  messages?: ModelMessage[];
  system?: string;
  tools?: ToolSet;
}) {
  const { prompt, messages, system, tools } = options;
  const result = streamText({
    model: demo,
    ...(messages ? { messages } : { prompt: prompt ?? "" }),
    ...(system ? { system } : {}),
    ...(tools ? { tools } : {}),
  });
  const deltas: string[] = [];
  const toolCalls: { toolName: string; input: unknown }[] = [];
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") deltas.push(part.text);
    if (part.type === "tool-call") toolCalls.push({ toolName: part.toolName, input: part.input });
    if (part.type === "error") throw part.error;
  }
  return { deltas, text: deltas.join(""), toolCalls, finishReason: await result.finishReason };
}

describe("the offline demo model", () => {
  it("classifies the user's turn when the instructions ask for an intent and no tools are offered", async () => {
    const system = "Classify the intent of the user's message.";

    expect((await streamed({ system, prompt: "Transfer 25 EUR to ACC-42" })).text).toBe("action");
    expect((await streamed({ system, prompt: "What time is it?" })).text).toBe("action");
    expect((await streamed({ system, prompt: "What is AG-UI?" })).text).toBe("question");
    expect((await streamed({ system, prompt: "hello there" })).text).toBe("chitchat");
  });

  it("answers in words, not with a label, when no tools are offered and nothing asks to classify", async () => {
    const { text } = await streamed({ system: "Earlier stage intent: action", prompt: "hi" });

    expect(text).toContain("(demo model)");
  });

  it("answers in several chunks, says it is the demo model, and answers the same way every time", async () => {
    const first = await streamed({ prompt: "hello there", tools: TOOLS });
    const second = await streamed({ prompt: "hello there", tools: TOOLS });

    expect(first.text).toContain("(demo model)");
    expect(first.text).toContain('"hello there"');
    expect(first.deltas.length).toBeGreaterThan(3);
    expect(first.toolCalls).toEqual([]);
    expect(second.text).toBe(first.text);
  });

  it("calls the time tool when asked for the time", async () => {
    const { toolCalls, finishReason } = await streamed({
      prompt: "What time is it?",
      tools: TOOLS,
    });

    expect(toolCalls).toEqual([{ toolName: "srv_get_current_time", input: {} }]);
    expect(finishReason).toBe("tool-calls");
  });

  it("calls the transfer tool with the amount, currency and account read from the text", async () => {
    const { toolCalls } = await streamed({
      prompt: "please transfer 25.50 EUR to ACC-42",
      tools: TOOLS,
    });

    expect(toolCalls).toEqual([
      {
        toolName: "srv_transfer_funds",
        input: { amount: 25.5, currency: "EUR", to_account: "ACC-42" },
      },
    ]);
  });

  it("fills transfer defaults the text does not give", async () => {
    const { toolCalls } = await streamed({ prompt: "send money to my landlord", tools: TOOLS });

    expect(toolCalls[0]?.input).toEqual({ amount: 10, currency: "EUR", to_account: "ACC-DEMO" });
  });

  it("calls a client-declared tool the message names, with arguments from its schema", async () => {
    const { toolCalls } = await streamed({ prompt: "navigate to /settings please", tools: TOOLS });

    expect(toolCalls).toEqual([{ toolName: "ui_navigate_to", input: { path: "/settings" } }]);
  });

  it("fills a required argument it cannot read from the text from the schema", async () => {
    const lookup = tool({
      description: "Looks up a customer.",
      inputSchema: jsonSchema({
        type: "object",
        properties: {
          customer_id: { type: "string" },
          limit: { type: "integer" },
          verbose: { type: "boolean" },
        },
        required: ["customer_id", "limit"],
      }),
    });

    const { toolCalls } = await streamed({
      prompt: "crm_lookup for Ada",
      tools: { crm_lookup: lookup },
    });

    expect(toolCalls).toEqual([
      { toolName: "crm_lookup", input: { customer_id: "crm_lookup for Ada", limit: 1 } },
    ]);
  });

  it("summarises a tool result instead of calling the tool again", async () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "transfer 25 EUR to ACC-42" },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            toolCallId: "c1",
            toolName: "srv_transfer_funds",
            input: { amount: 25 },
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "srv_transfer_funds",
            output: { type: "json", value: { receipt: "R-1" } },
          },
        ],
      },
    ];

    const { text, toolCalls } = await streamed({ messages, tools: TOOLS });

    expect(toolCalls).toEqual([]);
    expect(text).toBe('Done: {"receipt":"R-1"}');
  });

  it("says when an action was rejected, with the reason", async () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "transfer 25 EUR to ACC-42" },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c1", toolName: "srv_transfer_funds", input: {} },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "srv_transfer_funds",
            output: { type: "json", value: { status: "rejected", reason: "too expensive" } },
          },
        ],
      },
    ];

    expect((await streamed({ messages, tools: TOOLS })).text).toBe(
      "The action was not performed: too expensive",
    );
  });

  it("reads refusals the crew stores as text, such as an expired approval", async () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "transfer 5 EUR to ACC-1" },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c2", toolName: "srv_transfer_funds", input: {} },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c2",
            toolName: "srv_transfer_funds",
            output: { type: "text", value: '{"status":"expired","reason":"nobody answered"}' },
          },
        ],
      },
    ];

    expect((await streamed({ messages, tools: TOOLS })).text).toBe(
      "The action was not performed: nobody answered",
    );
  });

  it("reports a failed tool as such", async () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "what time is it" },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c3", toolName: "srv_get_current_time", input: {} },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c3",
            toolName: "srv_get_current_time",
            output: { type: "error-text", value: "clock unavailable" },
          },
        ],
      },
    ];

    expect((await streamed({ messages, tools: TOOLS })).text).toBe(
      "The tool failed: clock unavailable",
    );
  });

  it("answers without streaming too, with estimated usage and the model id demo", async () => {
    const result = await generateText({ model: demo, prompt: "What time is it?", tools: TOOLS });

    expect(result.toolCalls.map((call) => call.toolName)).toEqual(["srv_get_current_time"]);
    expect(result.response.modelId).toBe("demo");
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it("stops streaming when aborted, and refuses to start once aborted", async () => {
    const slow = new DemoLanguageModel({ clock, chunkDelayMs: 40 });
    const controller = new AbortController();
    const result = streamText({
      model: slow,
      prompt: "tell me something long",
      abortSignal: controller.signal,
    });
    const seen: string[] = [];
    for await (const part of result.fullStream) {
      seen.push(part.type);
      if (part.type === "text-delta") controller.abort();
    }

    expect(seen.filter((type) => type === "text-delta")).toHaveLength(1);
    expect(seen).toContain("abort");
    await expect(slow.doStream({ prompt: [], abortSignal: AbortSignal.abort() })).rejects.toThrow();
  });
});
