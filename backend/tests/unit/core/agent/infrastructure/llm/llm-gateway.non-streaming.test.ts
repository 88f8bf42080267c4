import { generateText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";
import { CONTEXT, CollectingRecorder, gatewayFor } from "./gateway-fixture.js";

let server: ScriptedOpenAiServer;

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

async function generate(recorder: CollectingRecorder): Promise<string> {
  const gateway = gatewayFor({
    llm: {
      provider_base_urls: { openai_compatible: server.baseUrl },
      openai_compatible_model: "litellm-routed-model",
    },
  });
  const result = await generateText({
    model: gateway.model({ modelCode: "openai-compatible", context: CONTEXT, recorder }),
    prompt: "hello",
  });
  return result.text;
}

describe("the gateway's metered models, non-streaming", () => {
  it("takes the x-litellm-response-cost header as the provider's cost", async () => {
    const recorder = new CollectingRecorder();
    server.enqueue({
      text: "priced by the proxy",
      id: "resp-42",
      headers: { "x-litellm-response-cost": "0.0042" },
      usage: { prompt_tokens: 12, completion_tokens: 6 },
    });

    const text = await generate(recorder);

    expect(text).toBe("priced by the proxy");
    expect(server.requests.at(-1)?.body).toMatchObject({ model: "litellm-routed-model" });
    expect(server.requests.at(-1)?.body.stream).not.toBe(true);
    expect(recorder.records).toHaveLength(1);
    expect(recorder.records[0]).toMatchObject({
      provider: "openai-compatible",
      model_requested: "litellm-routed-model",
      response_id: "resp-42",
      status: "success",
      finish_reason: "stop",
      first_token_at: null,
      input_tokens: 12,
      output_tokens: 6,
      total_tokens: 18,
      cost_usd: "0.0042",
      cost_source: "provider_reported",
    });
  });

  it("takes usage.cost in a JSON body (OpenRouter style) as the provider's cost", async () => {
    const recorder = new CollectingRecorder();
    server.enqueue({ text: "x", usage: { prompt_tokens: 1, completion_tokens: 1, cost: 2.5e-7 } });

    await generate(recorder);

    expect(recorder.records[0]).toMatchObject({
      cost_usd: "0.00000025",
      cost_source: "provider_reported",
    });
  });

  it("records a failed non-streaming call once, as an error", async () => {
    const recorder = new CollectingRecorder();
    server.enqueue({ status: 404, errorBody: { error: { message: "model not found" } } });

    await expect(generate(recorder)).rejects.toThrow(/model not found/);

    expect(recorder.records).toHaveLength(1);
    expect(recorder.records[0]).toMatchObject({ status: "error", cost_source: "unpriced" });
    expect(recorder.records[0]?.error).toContain("HTTP 404");
  });
});
