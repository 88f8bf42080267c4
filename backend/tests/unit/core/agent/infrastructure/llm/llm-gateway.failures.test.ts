import { streamText } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  LlmNotConfiguredError,
  LlmProviderError,
} from "../../../../../../src/core/agent/domain/errors.js";
import { callSettings } from "../../../../../../src/core/agent/infrastructure/llm/call-settings.js";
import { translateLlmError } from "../../../../../../src/core/agent/infrastructure/llm/translate-llm-error.js";
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

const LLM = { provider_keys: { deepseek: "deepseek-test-key" }, max_retries: 1 };

function model() {
  const gateway = gatewayFor({
    llm: { ...LLM, provider_base_urls: { deepseek: server.baseUrl } },
  });
  return gateway.model({ modelCode: "deepseek-v3.2", context: CONTEXT, recorder });
}

/** Runs a stream to its end; returns the text and the errors it carried. */
async function run(options: { timeout?: { stepMs: number } } = {}) {
  const errors: unknown[] = [];
  const result = streamText({
    model: model(),
    prompt: "hello",
    maxRetries: callSettings(settingsWith(LLM)).maxRetries,
    ...options,
    onError: ({ error }) => {
      errors.push(error);
    },
  });
  let text = "";
  for await (const part of result.fullStream) if (part.type === "text-delta") text += part.text;
  return { text, errors };
}

// The server asks for an immediate retry, so the test does not wait out the 2 s backoff.
const RETRY_NOW = { "retry-after-ms": "0" };

describe("failed provider calls", () => {
  it("retries a 500 once and records both attempts, the second one succeeding", async () => {
    const before = server.requests.length;
    server.enqueue({ status: 500, headers: RETRY_NOW }, { text: ["recovered"] });

    const { text, errors } = await run();
    const records = await recorder.waitFor(2);

    expect(text).toBe("recovered");
    expect(errors).toEqual([]);
    expect(server.requests.length - before).toBe(2);
    expect(records.map((record) => record.status)).toEqual(["error", "success"]);
    expect(records[0]).toMatchObject({
      id: "call-1",
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: null,
      cost_source: "unpriced",
      first_token_at: null,
    });
    expect(records[0]?.error).toContain("HTTP 500");
    expect(records[1]).toMatchObject({ id: "call-2", input_tokens: 10, error: null });
  });

  it("gives up after max_retries and reports LLM_PROVIDER_ERROR with the attempts", async () => {
    server.enqueue({ status: 503, headers: RETRY_NOW }, { status: 502, headers: RETRY_NOW });

    const { errors } = await run();
    const records = await recorder.waitFor(2);
    const translated = translateLlmError(errors[0]);

    expect(records.map((record) => record.status)).toEqual(["error", "error"]);
    expect(LlmProviderError.isInstance(translated)).toBe(true);
    expect(translated).toMatchObject({
      code: "LLM_PROVIDER_ERROR",
      details: { status: 502, provider: "deepseek", model: "deepseek-chat", attempts: 2 },
    });
  });

  it("does not retry a 400 and turns it into LLM_PROVIDER_ERROR keeping the cause", async () => {
    const before = server.requests.length;
    server.enqueue({ status: 400, errorBody: { error: { message: "bad tool schema" } } });

    const { errors } = await run();
    const records = await recorder.waitFor(1);
    const translated = translateLlmError(errors[0]);

    expect(server.requests.length - before).toBe(1);
    expect(records).toHaveLength(1);
    expect(records[0]?.error).toContain("bad tool schema");
    expect(translated).toBeInstanceOf(LlmProviderError);
    expect(translated).toMatchObject({
      code: "LLM_PROVIDER_ERROR",
      details: { status: 400, provider: "deepseek", model: "deepseek-chat", retryable: false },
    });
    expect(translated.cause).toBe(errors[0]);
  });

  it("refuses a real model whose provider has no key with LLM_NOT_CONFIGURED, calling nobody", () => {
    const before = server.requests.length;
    const gateway = gatewayFor({ llm: { provider_base_urls: { deepseek: server.baseUrl } } });

    const attempt = () => gateway.model({ modelCode: "deepseek-v3.2", context: CONTEXT, recorder });

    expect(attempt).toThrow(LlmNotConfiguredError);
    expect(attempt).toThrow(/SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK/);
    expect(server.requests.length).toBe(before);
    expect(recorder.records).toEqual([]);
  });

  it("records an aborted stream as aborted, unpriced, with the first token time it reached", async () => {
    server.enqueue({ text: ["one ", "two ", "three"], hangAfterChunks: 2 });
    const controller = new AbortController();

    const result = streamText({
      model: model(),
      prompt: "hello",
      abortSignal: controller.signal,
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") controller.abort();
    }
    const [record] = await recorder.waitFor(1);

    expect(record).toMatchObject({
      status: "aborted",
      finish_reason: null,
      input_tokens: 0,
      cost_usd: null,
      cost_source: "unpriced",
    });
    expect(record?.first_token_at).not.toBeNull();
  });

  it("records a call that times out as an error naming the timeout", async () => {
    server.enqueue({ text: ["slow"], hangAfterChunks: 1 });

    // streamText ends a timed-out step like an abort (an `abort` part, no error), so the
    // record is what tells a timeout from a cancel.
    const { errors } = await run({
      timeout: { stepMs: callSettings(settingsWith({ request_timeout_ms: 200 })).timeoutMs },
    });
    const [record] = await recorder.waitFor(1);

    expect(errors).toEqual([]);
    expect(record).toMatchObject({ status: "error", cost_source: "unpriced" });
    expect(record?.error).toMatch(/timeout/i);
  });
});
