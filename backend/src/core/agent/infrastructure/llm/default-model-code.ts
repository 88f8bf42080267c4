import type { Settings } from "../../../config/settings.js";
import { DEMO_MODEL_CODE } from "./model-catalogue.js";

export const AUTO_MODEL_CODE = "auto";

/**
 * The model agents use when they name none. `llm.default_model_code` wins unless it is "auto",
 * which picks the first provider that is configured, in this order: deepseek, openai,
 * anthropic, openai-compatible (base URL set), and falls back to the offline demo model.
 */
export function defaultModelCodeFor(settings: Settings): string {
  const { llm } = settings;
  if (llm.default_model_code !== AUTO_MODEL_CODE) return llm.default_model_code;
  if (llm.provider_keys.deepseek) return "deepseek-v3.2";
  if (llm.provider_keys.openai) return "gpt-4o-mini";
  if (llm.provider_keys.anthropic) return "claude-sonnet-4-5";
  if (llm.provider_base_urls.openai_compatible) return "openai-compatible";
  return DEMO_MODEL_CODE;
}
