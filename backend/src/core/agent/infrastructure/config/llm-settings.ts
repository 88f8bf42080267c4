import { z } from "zod";
import type { ConfigReport } from "./config-report.js";
import { formatKeyPath, type KeySegment } from "./key-path.js";
import type { LlmSettings, ModelConfig } from "./runtime-config.js";
import { withoutUndefined } from "./without-undefined.js";
import { isRecord, reportZodIssues } from "./zod-issues.js";

const LlmFieldsSchema = z.object({
  model_code: z.string().trim().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  top_p: z.number().gt(0).max(1).optional(),
});

// LiteLLM-style provider prefixes a CrewAI `llm` string may carry, mapped to ours.
const CREWAI_PROVIDER_PREFIXES: Readonly<Record<string, ModelConfig["provider"]>> = {
  openai: "openai",
  anthropic: "anthropic",
  deepseek: "deepseek",
};

/**
 * Normalises an agent's `llm`: a model code (`deepseek-v3.2`), a CrewAI string
 * (`openai/gpt-4o`, matched against models.yaml by provider and model id), or a mapping
 * `{ model_code, temperature, max_tokens, top_p, … }`. Null values count as absent, so a
 * database row can leave a key to the static file. A CrewAI string that matches no model
 * code is kept as `llm.model` with a warning; the default model is then used.
 */
export function normalizeLlmSettings(input: {
  value: unknown;
  models: Readonly<Record<string, ModelConfig>>;
  file: string;
  path: readonly KeySegment[];
  report: ConfigReport;
}): LlmSettings {
  const { value, file, path, report } = input;
  if (value === undefined || value === null) return {};
  if (typeof value === "string") return fromModelString({ ...input, modelString: value.trim() });
  if (!isRecord(value)) {
    report.problem(file, formatKeyPath(path), "must be a model code or a mapping");
    return {};
  }

  const present = Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null));
  const result = LlmFieldsSchema.safeParse(present);
  if (!result.success) {
    reportZodIssues({ error: result.error, raw: present, file, prefix: path, report });
    return {};
  }
  const settings: LlmSettings = withoutUndefined({ ...present, ...result.data });
  if (settings.model_code === undefined && typeof settings.model === "string") {
    const { model, ...rest } = settings;
    return { ...rest, ...fromModelString({ ...input, modelString: model.trim() }) };
  }
  return settings;
}

function fromModelString(input: {
  modelString: string;
  models: Readonly<Record<string, ModelConfig>>;
  file: string;
  path: readonly KeySegment[];
  report: ConfigReport;
}): LlmSettings {
  const { modelString, models, file, path, report } = input;
  if (models[modelString]) return { model_code: modelString };
  const matched = modelCodeForProviderModel(modelString, models);
  if (matched) return { model_code: matched };
  report.warn(
    file,
    formatKeyPath(path),
    `"${modelString}" is not a model code from models.yaml; kept as llm.model, the default model is used`,
  );
  return { model: modelString };
}

function modelCodeForProviderModel(
  modelString: string,
  models: Readonly<Record<string, ModelConfig>>,
): string | undefined {
  const slash = modelString.indexOf("/");
  if (slash <= 0) return undefined;
  const provider = CREWAI_PROVIDER_PREFIXES[modelString.slice(0, slash)];
  const model = modelString.slice(slash + 1);
  return Object.values(models).find((entry) => entry.provider === provider && entry.model === model)
    ?.code;
}
