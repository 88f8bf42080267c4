import type { LanguageModelV3 } from "@ai-sdk/provider";
import { wrapLanguageModel } from "ai";
import type { Settings } from "../../../config/settings.js";
import type { AgentBudget } from "../../domain/budget.js";
import type { ModelConfig } from "../config/runtime-config.js";
import { withoutUndefined } from "../config/without-undefined.js";
import { type BudgetGuardDependencies, CallBudgetGuard } from "./budget-guard.js";
import { AUTO_MODEL_CODE, defaultModelCodeFor } from "./default-model-code.js";
import type { LlmCallContext, LlmCallRecorder } from "./llm-call-record.js";
import { createMeteringMiddleware } from "./metering-middleware.js";
import {
  BUILT_IN_MODELS,
  DEMO_MODEL_CODE,
  type ResolvedModel,
  resolveModelCode,
} from "./model-catalogue.js";
import { ProviderRegistry } from "./provider-registry.js";

export interface GatewayLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface LlmGateway {
  /** Resolves a model code; throws `LLM_NOT_CONFIGURED` for unknown codes and missing keys. */
  describe(modelCode: string): ResolvedModel;
  /**
   * The model for one agent's steps, metered: every provider call becomes one record, and
   * with budgets on, first reserves its estimate against the user's, the session's and the
   * run's limits (the agent's `budget` overriding the session and run defaults).
   */
  model(input: {
    modelCode: string;
    context: LlmCallContext;
    recorder: LlmCallRecorder;
    agentBudget?: AgentBudget;
  }): LanguageModelV3;
  /** `llm.default_model_code`, with "auto" resolved (see `defaultModelCodeFor`). */
  readonly defaultModelCode: string;
}

export interface LlmGatewayDependencies {
  settings: Settings;
  /** The models.yaml catalogue; its fields win over a built-in code of the same name. */
  models: Readonly<Record<string, ModelConfig>>;
  ids: () => string;
  clock: () => Date;
  logger?: GatewayLogger;
  /** Set when budgets are on (settings `budgets.enabled`). */
  budgets?: BudgetGuardDependencies;
}

export function createLlmGateway(dependencies: LlmGatewayDependencies): LlmGateway {
  const { settings, ids, clock, logger } = dependencies;
  const catalogue = mergeCatalogue(dependencies.models);
  const registry = new ProviderRegistry({ settings, clock });
  const defaultModelCode = defaultModelCodeFor(settings);
  let demoAnnounced = false;

  const announceDemo = (reason: string) => {
    if (demoAnnounced) return;
    demoAnnounced = true;
    logger?.warn(
      `LLM: using the offline demo model "${DEMO_MODEL_CODE}" (${reason}): answers are scripted and deterministic, no provider is called. Set SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK (or OPENAI / ANTHROPIC, or SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE) for a real model.`,
    );
  };

  const resolve = (modelCode: string) => {
    const code = modelCode === AUTO_MODEL_CODE ? defaultModelCode : modelCode;
    return resolveModelCode({ code, catalogue, settings });
  };

  try {
    const { resolved } = resolve(defaultModelCode);
    if (resolved.offline) announceDemo("no LLM provider is configured");
    else
      logger?.info(
        `LLM: default model "${resolved.code}" (${resolved.provider}/${resolved.modelId})`,
      );
  } catch (error) {
    // Not fatal here: agents may name other models; a call with this one fails clearly.
    logger?.warn(
      `LLM: the default model "${defaultModelCode}" cannot be used: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  return {
    defaultModelCode,
    describe: (modelCode) => resolve(modelCode).resolved,
    model({ modelCode, context, recorder, agentBudget }) {
      const { resolved, config } = resolve(modelCode);
      if (resolved.offline) announceDemo(`model code "${resolved.code}"`);
      const target = {
        provider: resolved.provider,
        modelId: resolved.modelId,
        priceOverride: config.price_override,
      };
      const { budgets } = dependencies;
      return wrapLanguageModel({
        model: registry.languageModel(resolved),
        middleware: createMeteringMiddleware({
          ids,
          clock,
          context,
          recorder,
          target,
          ...(budgets
            ? {
                guard: new CallBudgetGuard(budgets, {
                  context,
                  target,
                  agentBudget,
                  recorder,
                  clock,
                }),
              }
            : {}),
        }),
      });
    },
  };
}

/**
 * Built-in codes overlaid field by field with models.yaml, so an entry that only names its
 * provider and model (e.g. `demo`) keeps the built-in price (the demo model's zero price).
 */
function mergeCatalogue(
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
