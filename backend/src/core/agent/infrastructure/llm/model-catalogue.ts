import type { LlmProvider, Settings } from "../../../config/settings.js";
import { LlmNotConfiguredError } from "../../domain/errors.js";
import { MODEL_PROVIDERS, type ModelConfig, type ModelProvider } from "../config/runtime-config.js";
import { withoutUndefined } from "../config/without-undefined.js";

/** A model code resolved to the provider model it calls. */
export interface ResolvedModel {
  code: string;
  provider: string;
  modelId: string;
  /** True for the offline demo model (no network, scripted answers). */
  offline: boolean;
}

export const DEMO_MODEL_CODE = "demo";

/**
 * Codes that work without a models.yaml entry (the "auto" default picks among them); entries
 * in models.yaml with the same code replace these. The demo model is free: priced at zero.
 */
export const BUILT_IN_MODELS: Readonly<Record<string, ModelConfig>> = {
  "deepseek-v3.2": { code: "deepseek-v3.2", provider: "deepseek", model: "deepseek-chat" },
  "gpt-4o-mini": { code: "gpt-4o-mini", provider: "openai", model: "gpt-4o-mini" },
  "claude-sonnet-4-5": {
    code: "claude-sonnet-4-5",
    provider: "anthropic",
    model: "claude-sonnet-4-5",
  },
  "openai-compatible": { code: "openai-compatible", provider: "openai-compatible" },
  [DEMO_MODEL_CODE]: {
    code: DEMO_MODEL_CODE,
    provider: "demo",
    model: "demo",
    price_override: { input_mtok: "0", output_mtok: "0" },
  },
};

/** The settings key of a provider: `openai-compatible` is `openai_compatible` there. */
function settingsKeyOf(provider: Exclude<ModelProvider, "demo">): LlmProvider {
  return provider === "openai-compatible" ? "openai_compatible" : provider;
}

function keyVariableOf(provider: Exclude<ModelProvider, "demo">): string {
  return `SOCIAL_LLM__PROVIDER_KEYS__${settingsKeyOf(provider).toUpperCase()}`;
}

function baseUrlVariableOf(provider: Exclude<ModelProvider, "demo">): string {
  return `SOCIAL_LLM__PROVIDER_BASE_URLS__${settingsKeyOf(provider).toUpperCase()}`;
}

/**
 * Finds a code in the catalogue, or reads `<provider>/<model id>` (CrewAI's string form, e.g.
 * `openai/gpt-4o`) for codes it does not hold. Throws `LLM_NOT_CONFIGURED` for unknown codes
 * and for real models whose provider has no key (or, for openai-compatible, no base URL or
 * model id), naming the variable to set.
 */
export function resolveModelCode(input: {
  code: string;
  catalogue: Readonly<Record<string, ModelConfig>>;
  settings: Settings;
}): { resolved: ResolvedModel; config: ModelConfig } {
  const { code, catalogue, settings } = input;
  const config = Object.hasOwn(catalogue, code) ? catalogue[code] : providerModelForm(code);
  if (config === undefined) {
    throw new LlmNotConfiguredError({
      message: `Unknown model code "${code}". Use one of ${Object.keys(catalogue).join(", ")} or "<provider>/<model id>" with a provider in ${MODEL_PROVIDERS.join(", ")}.`,
      details: { model_code: code },
    });
  }
  const modelId = modelIdOf(config, settings);
  assertConfigured(config.provider, code, settings);
  return {
    resolved: { code, provider: config.provider, modelId, offline: config.provider === "demo" },
    config,
  };
}

function providerModelForm(code: string): ModelConfig | undefined {
  const slash = code.indexOf("/");
  if (slash <= 0 || slash === code.length - 1) return undefined;
  const prefix = code.slice(0, slash).replace("_", "-");
  const provider = MODEL_PROVIDERS.find((candidate) => candidate === prefix);
  return provider === undefined ? undefined : { code, provider, model: code.slice(slash + 1) };
}

function modelIdOf(config: ModelConfig, settings: Settings): string {
  if (config.model) return config.model;
  if (config.provider === "demo") return "demo";
  if (config.provider === "openai-compatible") {
    if (settings.llm.openai_compatible_model) return settings.llm.openai_compatible_model;
    throw new LlmNotConfiguredError({
      message: `Model code "${config.code}" needs a model id for the openai-compatible endpoint: set SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL or give the code a "model" in models.yaml.`,
      details: { model_code: config.code, provider: config.provider },
    });
  }
  return config.code;
}

function assertConfigured(provider: ModelProvider, code: string, settings: Settings): void {
  if (provider === "demo") return;
  const key = settingsKeyOf(provider);
  if (provider === "openai-compatible") {
    if (settings.llm.provider_base_urls.openai_compatible) return;
    throw new LlmNotConfiguredError({
      message: `Model code "${code}" uses the openai-compatible provider, which has no base URL: set ${baseUrlVariableOf(provider)} (e.g. a LiteLLM proxy URL ending in /v1).`,
      details: { model_code: code, provider, variable: baseUrlVariableOf(provider) },
    });
  }
  if (settings.llm.provider_keys[key]) return;
  throw new LlmNotConfiguredError({
    message: `Model code "${code}" uses the ${provider} provider, which has no API key: set ${keyVariableOf(provider)}, or use the offline demo model (model code "${DEMO_MODEL_CODE}").`,
    details: { model_code: code, provider, variable: keyVariableOf(provider) },
  });
}

/**
 * Built-in codes overlaid field by field with models.yaml, so an entry that only names its
 * provider and model (e.g. `demo`) keeps the built-in price (the demo model's zero price).
 */
export function mergeCatalogue(
  models: Readonly<Record<string, ModelConfig>>,
): Record<string, ModelConfig> {
  const catalogue: Record<string, ModelConfig> = { ...BUILT_IN_MODELS };
  for (const [code, config] of Object.entries(models)) {
    const builtIn = Object.hasOwn(BUILT_IN_MODELS, code) ? BUILT_IN_MODELS[code] : undefined;
    catalogue[code] =
      builtIn === undefined || builtIn.provider !== config.provider
        ? config
        : { ...builtIn, ...withoutUndefined(config) };
  }
  return catalogue;
}
