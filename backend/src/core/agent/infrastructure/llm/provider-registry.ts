import { createAnthropic } from "@ai-sdk/anthropic";
import { createDeepSeek } from "@ai-sdk/deepseek";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { Settings } from "../../../config/settings.js";
import type { ModelProvider } from "../config/runtime-config.js";
import { DemoLanguageModel } from "./demo-language-model.js";
import type { ResolvedModel } from "./model-catalogue.js";

type ModelFactory = (modelId: string) => LanguageModelV3;

/**
 * Creates each provider once (on first use) and each provider model once, with the keys and
 * base URL overrides from settings. Credentials are checked before this, by
 * `resolveModelCode`.
 */
export class ProviderRegistry {
  readonly #settings: Settings;
  readonly #clock: () => Date;
  readonly #factories = new Map<ModelProvider, ModelFactory>();
  readonly #models = new Map<string, LanguageModelV3>();

  constructor(input: { settings: Settings; clock: () => Date }) {
    this.#settings = input.settings;
    this.#clock = input.clock;
  }

  languageModel(resolved: ResolvedModel): LanguageModelV3 {
    const cacheKey = `${resolved.provider}\u0000${resolved.modelId}`;
    let model = this.#models.get(cacheKey);
    if (model === undefined) {
      model = this.#factory(resolved.provider as ModelProvider)(resolved.modelId);
      this.#models.set(cacheKey, model);
    }
    return model;
  }

  #factory(provider: ModelProvider): ModelFactory {
    let factory = this.#factories.get(provider);
    if (factory === undefined) {
      factory = this.#createFactory(provider);
      this.#factories.set(provider, factory);
    }
    return factory;
  }

  #createFactory(provider: ModelProvider): ModelFactory {
    const { provider_keys: keys, provider_base_urls: baseUrls } = this.#settings.llm;
    switch (provider) {
      case "deepseek": {
        const deepseek = createDeepSeek({ apiKey: keys.deepseek, baseURL: baseUrls.deepseek });
        return (modelId) => deepseek.chat(modelId);
      }
      case "openai": {
        // Chat completions (not the Responses API): what every OpenAI-style endpoint speaks.
        const openai = createOpenAI({ apiKey: keys.openai, baseURL: baseUrls.openai });
        return (modelId) => openai.chat(modelId);
      }
      case "anthropic": {
        const anthropic = createAnthropic({ apiKey: keys.anthropic, baseURL: baseUrls.anthropic });
        return (modelId) => anthropic.languageModel(modelId);
      }
      case "openai-compatible": {
        const compatible = createOpenAICompatible({
          name: "openai-compatible",
          baseURL: baseUrls.openai_compatible ?? "",
          apiKey: keys.openai_compatible,
          // Without it the endpoint sends no usage on streams (nothing to meter).
          includeUsage: true,
        });
        return (modelId) => compatible.chatModel(modelId);
      }
      case "demo": {
        const demo = new DemoLanguageModel({
          chunkDelayMs: this.#settings.llm.demo_chunk_delay_ms,
          clock: this.#clock,
        });
        return () => demo;
      }
    }
  }
}
