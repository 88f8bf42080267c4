import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmNotConfiguredError } from "../../../../../../src/core/agent/domain/errors.js";
import {
  needsModelDiscovery,
  settingsWithDiscoveredModel,
} from "../../../../../../src/core/agent/infrastructure/llm/model-discovery.js";
import { loadSettings, type Settings } from "../../../../../../src/core/config/settings.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";
import { freePort } from "../../../../../support/service-processes.js";

function settings(environment: Record<string, string>): Settings {
  return loadSettings(
    { SOCIAL_LLM__MODEL_DISCOVERY_TIMEOUT_MS: "3000", ...environment },
    undefined,
  );
}

let server: ScriptedOpenAiServer;
beforeAll(async () => {
  server = await startScriptedOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

async function discover(environment: Record<string, string>, modelCodes: string[] = []) {
  return settingsWithDiscoveredModel({ settings: settings(environment), models: {}, modelCodes });
}

async function refusal(environment: Record<string, string>): Promise<LlmNotConfiguredError> {
  const error = await discover(environment).catch((caught: unknown) => caught);
  expect(LlmNotConfiguredError.isInstance(error)).toBe(true);
  return error as LlmNotConfiguredError;
}

describe("an OpenAI-compatible gateway given only its base URL", () => {
  it("is asked which models it serves only when its model is needed and unknown", () => {
    const base = { SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: "http://127.0.0.1:1/v1" };
    const needs = (environment: Record<string, string>, modelCodes: string[] = [], models = {}) =>
      needsModelDiscovery({ settings: settings(environment), models, modelCodes });

    expect(needs(base)).toBe(true);
    expect(needs({ ...base, SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL: "m" })).toBe(false);
    // A DeepSeek key makes deepseek the default; nobody uses the gateway...
    expect(needs({ ...base, SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK: "k" })).toBe(false);
    // ...unless an agent names it.
    expect(
      needs({ ...base, SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK: "k" }, ["openai-compatible"]),
    ).toBe(true);
    // A models.yaml entry with its own model id needs no discovery.
    expect(
      needs({ ...base, SOCIAL_LLM__DEFAULT_MODEL_CODE: "local" }, [], {
        local: { code: "local", provider: "openai-compatible", model: "qwen3" },
      }),
    ).toBe(false);
    expect(needs({})).toBe(false);
  });

  it("uses the first model its /models lists, sending the key when one is set", async () => {
    server.setModels({ ids: ["llama-3.1-8b", "qwen3"] });
    const before = server.modelListRequests.length;

    const discovered = await discover({
      SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: server.baseUrl,
      SOCIAL_LLM__PROVIDER_KEYS__OPENAI_COMPATIBLE: "sk-gateway",
    });

    expect(discovered.llm.openai_compatible_model).toBe("llama-3.1-8b");
    expect(server.modelListRequests.slice(before)).toHaveLength(1);
    expect(server.modelListRequests.at(-1)?.authorization).toBe("Bearer sk-gateway");
  });

  it("waits for a gateway that answers 503 until it lists its models", async () => {
    server.setModels({ status: 503 });
    const before = server.modelListRequests.length;
    const discovery = discover({
      SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: server.baseUrl,
    });
    while (server.modelListRequests.length === before)
      await new Promise((resolve) => setTimeout(resolve, 20));
    server.setModels({ ids: ["late-model"] });

    expect((await discovery).llm.openai_compatible_model).toBe("late-model");
  });

  it("refuses at once, saying what to set, when /models is not there or lists nothing", async () => {
    server.setModels({ status: 404 });
    const missing = await refusal({
      SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: server.baseUrl,
    });
    expect(missing.message).toContain("SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL is not set");
    expect(missing.message).toContain(`GET ${server.baseUrl}/models answered HTTP 404`);
    expect(missing.message).toContain(
      "Set SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL to the model id to use",
    );
    expect(missing.details).toMatchObject({ variable: "SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL" });

    server.setModels({ ids: [] });
    const empty = await refusal({
      SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: server.baseUrl,
    });
    expect(empty.message).toContain("lists no model");
  });

  it("refuses once its time is up when nothing answers at the base URL", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/v1`;

    const error = await refusal({
      SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: closed,
      SOCIAL_LLM__MODEL_DISCOVERY_TIMEOUT_MS: "1500",
    });

    expect(error.message).toContain(`GET ${closed}/models failed`);
    expect(error.message).toContain("asked for up to 1.5 s");
  });
});
