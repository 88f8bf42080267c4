import { z } from "zod";
import { normalizeDecimal } from "../../domain/decimal.js";
import type { ConfigReport } from "./config-report.js";
import { CREWAI_AGENT_FIELDS } from "./crewai-fields.js";
import { formatKeyPath, type KeySegment } from "./key-path.js";
import { normalizeLlmSettings } from "./llm-settings.js";
import type { AgentConfig, ModelConfig } from "./runtime-config.js";
import { reportZodIssues, splitKnownFields } from "./zod-issues.js";

const text = z.string().trim().min(1, "must not be empty");

/** A USD limit: a non-negative number or decimal string, kept as an exact decimal string. */
const usdLimit = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, "must be a USD amount")])
  .transform((value) => normalizeDecimal(value));

/** One scope of an agent's `budget`: a field left out keeps the default, null lifts it. */
const ScopeBudgetSchema = z.strictObject({
  usd: usdLimit.nullable().optional(),
  tokens: z.number().int().positive().nullable().optional(),
});

/** `budget`: the session and run limits of the calls this agent makes (ours, not CrewAI's). */
const AgentBudgetSchema = z.strictObject({
  session: ScopeBudgetSchema.optional(),
  run: ScopeBudgetSchema.optional(),
});

const AgentFieldsSchema = z.object({
  name: text.optional(),
  role: text.optional(),
  goal: text.optional(),
  backstory: text.optional(),
  tools: z.array(z.string().trim().min(1, "must not be empty")).optional(),
  max_iter: z.number().int().positive().optional(),
  allow_delegation: z.boolean().optional(),
  budget: AgentBudgetSchema.optional(),
});

const AGENT_FIELDS: ReadonlySet<string> = new Set([...Object.keys(AgentFieldsSchema.shape), "llm"]);

const REQUIRED_AGENT_FIELDS = ["role", "goal", "backstory"] as const;

/** @defaultValue 10 */
const DEFAULT_MAX_ITER = 10;

export type AgentFields = Partial<
  Pick<
    AgentConfig,
    | "name"
    | "role"
    | "goal"
    | "backstory"
    | "llm"
    | "tools"
    | "max_iter"
    | "allow_delegation"
    | "budget"
  >
>;

/**
 * Parses the agent fields this runtime uses out of a YAML entry or a row's merged columns and
 * `config`. Fields it does not use are returned in `extra` and reported once as a warning
 * under `owner`. `null` counts as absent.
 */
export function parseAgentFields(input: {
  entry: Record<string, unknown>;
  models: Readonly<Record<string, ModelConfig>>;
  file: string;
  path: readonly KeySegment[];
  owner: string;
  report: ConfigReport;
}): { fields: AgentFields; extra: Record<string, unknown>; valid: boolean } {
  const { entry, models, file, path, owner, report } = input;
  const { known, unknown } = splitKnownFields(entry, AGENT_FIELDS);
  for (const field of Object.keys(unknown)) {
    report.unusedField({ file, owner, field, crewaiField: CREWAI_AGENT_FIELDS.has(field) });
  }

  const problemsBefore = report.problems.length;
  const fields: AgentFields = {};
  for (const [field, value] of Object.entries(known)) {
    if (field === "llm") {
      fields.llm = normalizeLlmSettings({ value, models, file, path: [...path, "llm"], report });
      continue;
    }
    const schema = AgentFieldsSchema.shape[field as keyof typeof AgentFieldsSchema.shape];
    const result = schema.safeParse(value);
    if (result.success) Object.assign(fields, { [field]: result.data });
    else
      reportZodIssues({ error: result.error, raw: value, file, prefix: [...path, field], report });
  }
  return { fields, extra: unknown, valid: report.problems.length === problemsBefore };
}

/**
 * The complete agent, with the defaults for the optional fields left unset: the agent type as
 * its name, no LLM settings, no tools, `DEFAULT_MAX_ITER` iterations, no delegation.
 */
export function withAgentDefaults(
  agent: Omit<AgentConfig, keyof AgentFields> &
    Pick<AgentConfig, "role" | "goal" | "backstory"> &
    AgentFields,
): AgentConfig {
  return {
    agent_type: agent.agent_type,
    name: agent.name ?? agent.agent_type,
    role: agent.role,
    goal: agent.goal,
    backstory: agent.backstory,
    llm: agent.llm ?? {},
    tools: agent.tools ?? [],
    max_iter: agent.max_iter ?? DEFAULT_MAX_ITER,
    allow_delegation: agent.allow_delegation ?? false,
    ...(agent.budget ? { budget: agent.budget } : {}),
    extra: agent.extra,
    source: agent.source,
  };
}

/** Reports each required field missing from `entry`; returns whether all are present. */
export function checkRequiredAgentFields(input: {
  entry: Record<string, unknown>;
  file: string;
  path: readonly KeySegment[];
  message: string;
  report: ConfigReport;
}): boolean {
  let complete = true;
  for (const field of REQUIRED_AGENT_FIELDS) {
    const value = input.entry[field];
    if (value === undefined || value === null) {
      input.report.problem(input.file, formatKeyPath([...input.path, field]), input.message);
      complete = false;
    }
  }
  return complete;
}
