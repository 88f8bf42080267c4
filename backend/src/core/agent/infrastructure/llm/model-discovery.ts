import type { Settings } from "../../../config/settings.js";
import { LlmNotConfiguredError } from "../../domain/errors.js";
import type { ModelConfig } from "../config/runtime-config.js";
import { abortableSleep } from "./abortable-sleep.js";
import { AUTO_MODEL_CODE, defaultModelCodeFor } from "./default-model-code.js";
import { mergeCatalogue } from "./model-catalogue.js";
import { listOpenAiCompatibleModels } from "./openai-compatible-models.js";

export interface ModelDiscoveryLogger {
  info(message: string): void;
  warn(message: string): void;
}

const RETRY_DELAY_MS = 1000;
const ATTEMPT_TIMEOUT_MS = 5000;

/**
 * Whether a model code in use (the default model, the agents' models) calls the
 * openai-compatible endpoint with no model id: no `SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL` and no
 * `model` in models.yaml. Only then is the endpoint asked which models it serves.
 */
export function needsModelDiscovery(input: {
  settings: Settings;
  models: Readonly<Record<string, ModelConfig>>;
  modelCodes: readonly string[];
}): boolean {
  const { settings, models, modelCodes } = input;
  if (settings.llm.openai_compatible_model || !settings.llm.provider_base_urls.openai_compatible) {
    return false;
  }
  const catalogue = mergeCatalogue(models);
  const defaultCode = defaultModelCodeFor(settings);
  return [defaultCode, ...modelCodes].some((code) => {
    const resolved = code === AUTO_MODEL_CODE ? defaultCode : code;
    const config = Object.hasOwn(catalogue, resolved) ? catalogue[resolved] : undefined;
    return config?.provider === "openai-compatible" && !config.model;
  });
}

/**
 * The settings a worker runs with: when the openai-compatible endpoint is used without a model
 * id (`needsModelDiscovery`), its `GET /models` is asked — retried for
 * `llm.model_discovery_timeout_ms` while the endpoint is unreachable, overloaded or failing —
 * and the first model it lists becomes `llm.openai_compatible_model`. Throws
 * `LLM_NOT_CONFIGURED` with one message saying what to set when no model can be found, so the
 * worker refuses to start instead of failing every run.
 */
export async function settingsWithDiscoveredModel(input: {
  settings: Settings;
  models: Readonly<Record<string, ModelConfig>>;
  modelCodes: readonly string[];
  logger?: ModelDiscoveryLogger;
}): Promise<Settings> {
  const { settings, logger } = input;
  if (!needsModelDiscovery(input)) return settings;
  const baseUrl = settings.llm.provider_base_urls.openai_compatible ?? "";
  const apiKey = settings.llm.provider_keys.openai_compatible;
  const deadline = AbortSignal.timeout(settings.llm.model_discovery_timeout_ms);
  let waiting = false;
  for (;;) {
    const listing = await listOpenAiCompatibleModels({
      baseUrl,
      ...(apiKey ? { apiKey } : {}),
      signal: AbortSignal.any([deadline, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
    });
    if (listing.type === "listed") {
      const [modelId = ""] = listing.modelIds;
      const others =
        listing.modelIds.length > 1
          ? `; it also lists ${listing.modelIds.slice(1, 6).join(", ")}${listing.modelIds.length > 6 ? ", …" : ""}`
          : "";
      logger?.info(
        `LLM: SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL is not set; using "${modelId}", the first model ${baseUrl}/models lists${others}. Set SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL to choose another.`,
      );
      return { ...settings, llm: { ...settings.llm, openai_compatible_model: modelId } };
    }
    if (listing.type === "refused" || deadline.aborted)
      throw notConfigured({ settings, reason: listing.reason });
    if (!waiting) {
      waiting = true;
      logger?.warn(
        `LLM: waiting for the openai-compatible endpoint to list its models: ${listing.reason}`,
      );
    }
    try {
      await abortableSleep(RETRY_DELAY_MS, deadline);
    } catch {
      throw notConfigured({ settings, reason: listing.reason });
    }
  }
}

function notConfigured({
  settings,
  reason,
}: {
  settings: Settings;
  reason: string;
}): LlmNotConfiguredError {
  const seconds = settings.llm.model_discovery_timeout_ms / 1000;
  return new LlmNotConfiguredError({
    message: `No model for the openai-compatible endpoint: SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL is not set and ${reason} (asked for up to ${seconds} s). Set SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL to the model id to use, or check SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE.`,
    details: {
      provider: "openai-compatible",
      variable: "SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL",
      base_url: settings.llm.provider_base_urls.openai_compatible ?? null,
    },
  });
}
