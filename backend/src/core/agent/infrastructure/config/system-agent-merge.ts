import { checkRequiredAgentFields, parseAgentFields, withAgentDefaults } from "./agent-fields.js";
import { SYSTEM_AGENTS_TABLE } from "./config-error.js";
import type { ConfigReport } from "./config-report.js";
import { normalizeLlmSettings } from "./llm-settings.js";
import type { AgentConfig, LlmSettings, ModelConfig, SystemAgentRow } from "./runtime-config.js";
import { isRecord } from "./zod-issues.js";

/** `system_agents[<id>]`, the prefix of every key that points into a row. */
export function systemAgentLocation(row: Pick<SystemAgentRow, "id">): string {
  return `${SYSTEM_AGENTS_TABLE}[${row.id}]`;
}

/** The enabled row with the highest version per agent_type (latest `updated_at` on a tie). */
export function latestEnabledRows(rows: readonly SystemAgentRow[]): SystemAgentRow[] {
  const latest = new Map<string, SystemAgentRow>();
  for (const row of rows) {
    if (!row.enabled) continue;
    const current = latest.get(row.agent_type);
    const newer =
      !current ||
      row.version > current.version ||
      (row.version === current.version && row.updated_at > current.updated_at);
    if (newer) latest.set(row.agent_type, row);
  }
  return [...latest.values()];
}

/**
 * Lays one row over the static agent, field by field: static < `config` jsonb < columns.
 * Null columns keep the lower value; `llm` merges key by key. Returns undefined (after
 * reporting) when the row is invalid.
 */
export function mergeSystemAgentRow(input: {
  row: SystemAgentRow;
  base: AgentConfig | undefined;
  models: Readonly<Record<string, ModelConfig>>;
  report: ConfigReport;
}): AgentConfig | undefined {
  const { row, base, models, report } = input;
  const location = systemAgentLocation(row);
  const path = [location];
  if (row.config !== null && !isRecord(row.config)) {
    report.problem(SYSTEM_AGENTS_TABLE, `${location}.config`, "must be a JSON object");
    return undefined;
  }
  const { llm: configLlm, ...config } = row.config ?? {};
  const columns = Object.fromEntries(
    Object.entries({
      name: row.name,
      role: row.role,
      goal: row.goal,
      backstory: row.backstory,
      tools: row.tools,
      max_iter: row.max_iter,
    }).filter(([, value]) => value !== null),
  );
  const entry = { ...config, ...columns };
  const parsed = parseAgentFields({
    entry,
    models,
    file: SYSTEM_AGENTS_TABLE,
    path,
    owner: location,
    report,
  });
  const llmLayers = [configLlm, row.llm].map((value) =>
    normalizeLlmSettings({
      value,
      models,
      file: SYSTEM_AGENTS_TABLE,
      path: [location, "llm"],
      report,
    }),
  );
  const complete =
    base !== undefined ||
    checkRequiredAgentFields({
      entry,
      file: SYSTEM_AGENTS_TABLE,
      path,
      message: `required: agent type "${row.agent_type}" is not in agents.yaml, so this row defines a new agent`,
      report,
    });
  const { fields } = parsed;
  const role = fields.role ?? base?.role;
  const goal = fields.goal ?? base?.goal;
  const backstory = fields.backstory ?? base?.backstory;
  if (!parsed.valid || !complete || !role || !goal || !backstory) return undefined;

  return withAgentDefaults({
    agent_type: row.agent_type,
    name: fields.name ?? base?.name,
    role,
    goal,
    backstory,
    llm: mergeLlmLayers([base?.llm ?? {}, ...llmLayers]),
    tools: fields.tools ?? base?.tools,
    max_iter: fields.max_iter ?? base?.max_iter,
    allow_delegation: fields.allow_delegation ?? base?.allow_delegation,
    budget: fields.budget ?? base?.budget,
    extra: { ...base?.extra, ...parsed.extra },
    source: { table: SYSTEM_AGENTS_TABLE, id: row.id, version: row.version },
  });
}

function mergeLlmLayers(layers: readonly LlmSettings[]): LlmSettings {
  let merged: LlmSettings = {};
  for (const layer of layers) {
    // A model code set by a higher layer supersedes an unresolved CrewAI `model` string below it.
    if (layer.model_code !== undefined && layer.model === undefined) {
      const { model: _superseded, ...rest } = merged;
      merged = rest;
    }
    merged = { ...merged, ...layer };
  }
  return merged;
}
