import { streamText } from "ai";
import { describe, expect, it } from "vitest";
import { LlmNotConfiguredError } from "../../../../../../src/core/agent/domain/errors.js";
import { ProviderRegistry } from "../../../../../../src/core/agent/infrastructure/llm/provider-registry.js";
import { CONTEXT, CollectingRecorder, gatewayFor, settingsWith } from "./gateway-fixture.js";

const KEY = "test-key";

function logger() {
  const lines: { level: "info" | "warn"; message: string }[] = [];
  return {
    lines,
    info: (message: string) => lines.push({ level: "info", message }),
    warn: (message: string) => lines.push({ level: "warn", message }),
  };
}

describe("default model code", () => {
  it.each([
    [{ provider_keys: { deepseek: KEY, openai: KEY } }, "deepseek-v3.2"],
    [{ provider_keys: { openai: KEY, anthropic: KEY } }, "gpt-4o-mini"],
    [{ provider_keys: { anthropic: KEY } }, "claude-sonnet-4-5"],
    [
      { provider_base_urls: { openai_compatible: "http://127.0.0.1:4000/v1" } },
      "openai-compatible",
    ],
    [{}, "demo"],
    [{ default_model_code: "house-model", provider_keys: { deepseek: KEY } }, "house-model"],
  ])("resolves %j to %s", (llm, expected) => {
    expect(gatewayFor({ llm }).defaultModelCode).toBe(expected);
  });

  it("says once, by name, that the offline demo model is in use", () => {
    const log = logger();
    const gateway = gatewayFor({ llm: {}, logger: log });
    const recorder = new CollectingRecorder();

    gateway.model({ modelCode: "demo", context: CONTEXT, recorder });
    gateway.model({ modelCode: "auto", context: CONTEXT, recorder });

    const demoLines = log.lines.filter((line) =>
      line.message.includes('offline demo model "demo"'),
    );
    expect(demoLines).toHaveLength(1);
    expect(demoLines[0]?.level).toBe("warn");
  });

  it("does not mention the demo model when a provider is configured", () => {
    const log = logger();
    gatewayFor({ llm: { provider_keys: { deepseek: KEY } }, logger: log });

    expect(log.lines.some((line) => line.message.includes("demo"))).toBe(false);
    expect(log.lines[0]?.message).toContain("deepseek-v3.2");
  });
});

describe("describe(modelCode)", () => {
  const gateway = gatewayFor({
    llm: {
      provider_keys: { deepseek: KEY, openai: KEY },
      provider_base_urls: { openai_compatible: "http://127.0.0.1:4000/v1" },
    },
    models: {
      "deepseek-v3.2": { code: "deepseek-v3.2", provider: "deepseek", model: "deepseek-v4-flash" },
      "local-llama": { code: "local-llama", provider: "openai-compatible", model: "llama3.1:8b" },
    },
  });

  it("maps catalogue codes to provider and model id, models.yaml winning over built-ins", () => {
    expect(gateway.describe("deepseek-v3.2")).toEqual({
      code: "deepseek-v3.2",
      provider: "deepseek",
      modelId: "deepseek-v4-flash",
      offline: false,
    });
    expect(gateway.describe("local-llama")).toMatchObject({
      provider: "openai-compatible",
      modelId: "llama3.1:8b",
    });
    expect(gateway.describe("demo")).toEqual({
      code: "demo",
      provider: "demo",
      modelId: "demo",
      offline: true,
    });
    expect(gateway.describe("auto").code).toBe("deepseek-v3.2");
  });

  it("keeps built-in fields models.yaml leaves out, unless it changes the provider", () => {
    const merged = gatewayFor({
      llm: {
        provider_keys: { openai: KEY },
        provider_base_urls: { openai_compatible: "http://127.0.0.1:4000/v1" },
        openai_compatible_model: "from-settings",
      },
      models: {
        "gpt-4o-mini": { code: "gpt-4o-mini", provider: "openai" },
        "claude-sonnet-4-5": { code: "claude-sonnet-4-5", provider: "openai-compatible" },
      },
    });

    expect(merged.describe("gpt-4o-mini").modelId).toBe("gpt-4o-mini");
    expect(merged.describe("claude-sonnet-4-5")).toMatchObject({
      provider: "openai-compatible",
      modelId: "from-settings",
    });
  });

  it("reads CrewAI's <provider>/<model id> form for codes not in the catalogue", () => {
    expect(gateway.describe("openai/gpt-4o")).toMatchObject({
      provider: "openai",
      modelId: "gpt-4o",
    });
    expect(gateway.describe("openai_compatible/qwen/qwen3")).toMatchObject({
      provider: "openai-compatible",
      modelId: "qwen/qwen3",
    });
  });

  it.each([
    ["no-such-model", /Unknown model code "no-such-model"/],
    ["mistral/large", /Unknown model code/],
    ["openai/", /Unknown model code/],
    ["constructor", /Unknown model code/],
    ["claude-sonnet-4-5", /SOCIAL_LLM__PROVIDER_KEYS__ANTHROPIC/],
    ["anthropic/claude-opus-4", /SOCIAL_LLM__PROVIDER_KEYS__ANTHROPIC/],
    ["openai-compatible", /SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL/],
  ])("refuses %s with LLM_NOT_CONFIGURED", (code, message) => {
    const attempt = () => gateway.describe(code);

    expect(attempt).toThrow(LlmNotConfiguredError);
    expect(attempt).toThrow(message);
  });

  it("needs a base URL, not a key, for the openai-compatible provider", () => {
    const withoutUrl = gatewayFor({ llm: { openai_compatible_model: "m" } });
    const withUrl = gatewayFor({
      llm: {
        openai_compatible_model: "m",
        provider_base_urls: { openai_compatible: "http://x/v1" },
      },
    });

    expect(() => withoutUrl.describe("openai-compatible")).toThrow(
      /SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE/,
    );
    expect(withUrl.describe("openai-compatible")).toMatchObject({ modelId: "m", offline: false });
  });

  it("carries the code as LLM_NOT_CONFIGURED with details naming the variable", () => {
    try {
      gateway.describe("claude-sonnet-4-5");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: "LLM_NOT_CONFIGURED",
        httpStatus: 503,
        details: { provider: "anthropic", variable: "SOCIAL_LLM__PROVIDER_KEYS__ANTHROPIC" },
      });
    }
  });
});

describe("providers", () => {
  it("are created once: the same provider model serves every call", () => {
    const registry = new ProviderRegistry({
      settings: settingsWith({ provider_keys: { deepseek: KEY } }),
      clock: () => new Date(),
    });
    const resolved = { code: "x", provider: "deepseek", modelId: "deepseek-chat", offline: false };

    expect(registry.languageModel(resolved)).toBe(registry.languageModel({ ...resolved }));
    expect(registry.languageModel(resolved)).not.toBe(
      registry.languageModel({ ...resolved, modelId: "deepseek-reasoner" }),
    );
  });

  it("meter the demo model like any other: a free, override-priced record per call", async () => {
    const recorder = new CollectingRecorder();
    // models.yaml names the demo model without a price: the built-in zero price still applies.
    const gateway = gatewayFor({ llm: {}, models: { demo: { code: "demo", provider: "demo" } } });

    const result = streamText({
      model: gateway.model({ modelCode: gateway.defaultModelCode, context: CONTEXT, recorder }),
      prompt: "hello",
    });
    await result.consumeStream();
    const [record] = await recorder.waitFor(1);

    expect(record).toMatchObject({
      provider: "demo",
      model_requested: "demo",
      model_response: "demo",
      status: "success",
      finish_reason: "stop",
      cost_usd: "0",
      cost_source: "override",
    });
    expect(record?.input_tokens).toBeGreaterThan(0);
    expect(record?.response_id).toMatch(/^demo-/);
  });
});
