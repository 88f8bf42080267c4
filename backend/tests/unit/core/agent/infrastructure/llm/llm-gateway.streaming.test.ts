import { streamText } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { callSettings } from "../../../../../../src/core/agent/infrastructure/llm/call-settings.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";
import { CONTEXT, CollectingRecorder, gatewayFor, settingsWith } from "./gateway-fixture.js";

let server: ScriptedOpenAiServer;
let recorder: CollectingRecorder;

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  recorder = new CollectingRecorder();
});

const MODELS = {
  "scripted-compatible": {
    code: "scripted-compatible",
    provider: "openai-compatible" as const,
    model: "scripted-model",
  },
  "broken-price": {
    code: "broken-price",
    provider: "openai-compatible" as const,
    model: "broken-price-model",
    price_override: { input_mtok: "cheap", output_mtok: "1" },
  },
  house: {
    code: "house",
    provider: "openai-compatible" as const,
    model: "house-model",
    price_override: { input_mtok: "2", output_mtok: "8", cache_read_mtok: "0.5" },
  },
};

function gateway(clock?: () => Date) {
  return gatewayFor({
    llm: {
      provider_keys: { deepseek: "deepseek-test-key", openai: "openai-test-key" },
      provider_base_urls: {
        deepseek: server.baseUrl,
        openai: server.baseUrl,
        openai_compatible: server.baseUrl,
      },
    },
    models: MODELS,
    clock,
  });
}

async function streamAll(modelCode: string, clock?: () => Date): Promise<string[]> {
  const result = streamText({
    model: gateway(clock).model({ modelCode, context: CONTEXT, recorder }),
    prompt: "hello",
    ...callSettings(settingsWith()),
  });
  const deltas: string[] = [];
  for await (const delta of result.textStream) deltas.push(delta);
  return deltas;
}

describe("the gateway's metered models, streaming through streamText", () => {
  it("streams text in order and records the call with the server's tokens and timings", async () => {
    server.enqueue({
      text: ["The ", "answer ", "is ", "42."],
      chunkDelayMs: 15,
      delayMs: 15,
      id: "chatcmpl-abc",
      model: "deepseek-chat-v3-0324",
      usage: {
        prompt_tokens: 100,
        completion_tokens: 30,
        prompt_cache_hit_tokens: 40,
        prompt_cache_miss_tokens: 60,
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });

    const deltas = await streamAll("deepseek-v3.2");
    const [record] = await recorder.waitFor(1);

    expect(deltas.join("")).toBe("The answer is 42.");
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(server.requests.at(-1)?.body).toMatchObject({ model: "deepseek-chat", stream: true });
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer deepseek-test-key");
    expect(recorder.records).toHaveLength(1);
    expect(record).toMatchObject({
      id: "call-1",
      run_id: "run-1",
      session_id: "session-1",
      agent_type: "responder",
      stage: "respond",
      provider: "deepseek",
      model_requested: "deepseek-chat",
      model_response: "deepseek-chat-v3-0324",
      response_id: "chatcmpl-abc",
      status: "success",
      finish_reason: "stop",
      input_tokens: 100,
      cache_read_tokens: 40,
      cache_write_tokens: 0,
      output_tokens: 30,
      reasoning_tokens: 12,
      total_tokens: 130,
      usage_raw: { prompt_tokens: 100, completion_tokens: 30, prompt_cache_hit_tokens: 40 },
      cost_source: "genai_prices",
      error: null,
    });
    const started = record?.started_at.getTime() ?? 0;
    const firstToken = record?.first_token_at?.getTime() ?? Number.NaN;
    const ended = record?.ended_at.getTime() ?? 0;
    expect(firstToken).toBeGreaterThan(started);
    expect(ended).toBeGreaterThan(firstToken);
  });

  it("takes usage.cost from the final chunk of an openai-compatible stream as the provider's cost", async () => {
    server.enqueue({
      text: ["ok"],
      usage: {
        prompt_tokens: 20,
        completion_tokens: 4,
        prompt_tokens_details: { cached_tokens: 8 },
        cost: 0.000123,
      },
    });

    await streamAll("scripted-compatible");
    const [record] = await recorder.waitFor(1);

    expect(server.requests.at(-1)?.body).toMatchObject({
      model: "scripted-model",
      stream_options: { include_usage: true },
    });
    expect(record).toMatchObject({
      provider: "openai-compatible",
      input_tokens: 20,
      cache_read_tokens: 8,
      output_tokens: 4,
      cost_usd: "0.000123",
      cost_source: "provider_reported",
    });
  });

  it("prices a deepseek call without a reported cost with genai-prices at the call's time", async () => {
    server.enqueue({
      text: "priced",
      usage: { prompt_tokens: 1000, completion_tokens: 500, prompt_cache_hit_tokens: 200 },
    });
    const peakHour = () => new Date("2025-06-02T10:00:00Z");

    await streamAll("deepseek-v3.2", peakHour);
    const [record] = await recorder.waitFor(1);

    // deepseek-chat at peak: 800 × 0.27 + 200 × 0.07 + 500 × 1.1 per million tokens
    expect(record).toMatchObject({ cost_usd: "0.00078", cost_source: "genai_prices" });
    expect(record?.started_at.toISOString()).toBe("2025-06-02T10:00:00.000Z");
  });

  it("uses the models.yaml price override for a model genai-prices does not know", async () => {
    server.enqueue({
      text: "house",
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 100,
        prompt_tokens_details: { cached_tokens: 400 },
      },
    });

    await streamAll("house");
    const [record] = await recorder.waitFor(1);

    // 600 × 2 + 400 × 0.5 + 100 × 8 per million tokens
    expect(record).toMatchObject({ cost_usd: "0.0022", cost_source: "override" });
  });

  it("leaves a call to an unknown model unpriced", async () => {
    server.enqueue({ text: "?", usage: { prompt_tokens: 3, completion_tokens: 1 } });

    await streamAll("scripted-compatible");
    const [record] = await recorder.waitFor(1);

    expect(record).toMatchObject({ input_tokens: 3, cost_usd: null, cost_source: "unpriced" });
  });

  it("keeps a call with a malformed price override working, and unpriced", async () => {
    server.enqueue({ text: ["still ", "fine"], usage: { prompt_tokens: 3, completion_tokens: 2 } });

    const deltas = await streamAll("broken-price");
    const [record] = await recorder.waitFor(1);

    expect(deltas.join("")).toBe("still fine");
    expect(record).toMatchObject({ status: "success", cost_usd: null, cost_source: "unpriced" });
  });

  it("calls OpenAI models through chat completions", async () => {
    server.enqueue({ text: ["from ", "openai"] });

    const deltas = await streamAll("openai/gpt-4o");
    const [record] = await recorder.waitFor(1);

    expect(deltas.join("")).toBe("from openai");
    expect(server.requests.at(-1)?.body).toMatchObject({ model: "gpt-4o", stream: true });
    expect(record).toMatchObject({
      provider: "openai",
      model_requested: "gpt-4o",
      input_tokens: 10,
      output_tokens: 5,
      cost_source: "genai_prices",
    });
  });

  it("records tool-call streams, the first argument delta counting as the first token", async () => {
    server.enqueue({
      toolCalls: [{ id: "call_9", name: "srv_get_current_time", arguments: { zone: "UTC" } }],
    });

    const result = streamText({
      model: gateway().model({ modelCode: "scripted-compatible", context: CONTEXT, recorder }),
      prompt: "what time is it?",
      tools: {},
    });
    const parts = [];
    for await (const part of result.fullStream) parts.push(part.type);
    const [record] = await recorder.waitFor(1);

    expect(parts).toContain("tool-input-delta");
    expect(record).toMatchObject({ status: "success", finish_reason: "tool_calls" });
    expect(record?.first_token_at).not.toBeNull();
  });
});
