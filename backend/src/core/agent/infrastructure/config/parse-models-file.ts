import { z } from "zod";
import type { ConfigReport } from "./config-report.js";
import { toDecimalString } from "./decimal-string.js";
import { MODEL_PROVIDERS, type ModelConfig } from "./runtime-config.js";
import { withoutUndefined } from "./without-undefined.js";
import { reportZodIssues } from "./zod-issues.js";

export const MODELS_FILE = "models.yaml";

// Providers whose model id cannot come from anywhere but this file.
const PROVIDERS_NEEDING_MODEL: ReadonlySet<ModelConfig["provider"]> = new Set([
  "deepseek",
  "openai",
  "anthropic",
]);

const price = z.union([z.number(), z.string()]).transform((value, context) => {
  const decimal = toDecimalString(value);
  if (decimal === undefined) {
    context.addIssue({ code: "custom", message: "must be a non-negative decimal number" });
    return z.NEVER;
  }
  return decimal;
});

const ModelSchema = z.strictObject({
  provider: z.enum(MODEL_PROVIDERS),
  model: z.string().trim().min(1, "must not be empty").optional(),
  price_override: z
    .strictObject({
      input_mtok: price,
      output_mtok: price,
      cache_read_mtok: price.optional(),
      cache_write_mtok: price.optional(),
    })
    .optional(),
});

/** models.yaml: model codes → provider, provider model id and an optional price override. */
export function parseModelsFile(input: {
  content: Record<string, unknown>;
  report: ConfigReport;
}): Record<string, ModelConfig> {
  const { content, report } = input;
  const models: Record<string, ModelConfig> = {};
  for (const [code, entry] of Object.entries(content)) {
    const result = ModelSchema.safeParse(entry);
    if (!result.success) {
      reportZodIssues({
        error: result.error,
        raw: entry,
        file: MODELS_FILE,
        prefix: [code],
        report,
      });
      continue;
    }
    const { provider, model, price_override } = result.data;
    if (model === undefined && PROVIDERS_NEEDING_MODEL.has(provider)) {
      report.problem(MODELS_FILE, `${code}.model`, `required for provider ${provider}`);
      continue;
    }
    models[code] = {
      code,
      provider,
      ...(model === undefined ? {} : { model }),
      ...(price_override === undefined ? {} : { price_override: withoutUndefined(price_override) }),
    };
  }
  return models;
}
