import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { defaultStaticConfigDirectory } from "../../src/core/agent/infrastructure/config/static-config-directory.js";

/** The priced test model: USD per million tokens, genai-prices does not know its id. */
export const BUDGET_MODEL = {
  code: "budget-model",
  modelId: "scripted-budget-model",
  inputMtok: 1,
  outputMtok: 2,
} as const;

/** `max_tokens` of the shipped agents in this config (the output cap a reservation assumes). */
export const MAX_TOKENS = { intent: 10, responder: 100 } as const;

/** The cost of one call of the budget model, exactly as the override table prices it. */
export function budgetModelCost({ input, output }: { input: number; output: number }): number {
  return (input * BUDGET_MODEL.inputMtok + output * BUDGET_MODEL.outputMtok) / 1_000_000;
}

/**
 * The shipped crew config with both agents on the priced scripted model (served by the
 * deepseek provider, pointed at the scripted server) and a `max_tokens` each; `agentBudgets`
 * adds a `budget` to agents. Returns the directory (remove it after the tests).
 */
export function writeBudgetCrewConfig(
  agentBudgets: Record<string, Record<string, unknown>> = {},
): string {
  const directory = mkdtempSync(join(tmpdir(), "crew-budgets-"));
  const shipped = defaultStaticConfigDirectory();
  for (const file of ["tasks.yaml", "tools.yaml", "workflow.yaml"]) {
    copyFileSync(join(shipped, file), join(directory, file));
  }
  const agents = parse(readFileSync(join(shipped, "agents.yaml"), "utf8")) as Record<
    string,
    Record<string, unknown>
  >;
  for (const [agentType, maxTokens] of Object.entries(MAX_TOKENS)) {
    const agent = agents[agentType];
    if (!agent) throw new Error(`the shipped agents.yaml has no ${agentType} agent`);
    agent.llm = {
      ...(agent.llm as Record<string, unknown>),
      model_code: BUDGET_MODEL.code,
      max_tokens: maxTokens,
    };
    const budget = agentBudgets[agentType];
    if (budget) agent.budget = budget;
  }
  writeFileSync(join(directory, "agents.yaml"), stringify(agents));
  const models = parse(readFileSync(join(shipped, "models.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
  models[BUDGET_MODEL.code] = {
    provider: "deepseek",
    model: BUDGET_MODEL.modelId,
    price_override: {
      input_mtok: String(BUDGET_MODEL.inputMtok),
      output_mtok: String(BUDGET_MODEL.outputMtok),
    },
  };
  writeFileSync(join(directory, "models.yaml"), stringify(models));
  return directory;
}
