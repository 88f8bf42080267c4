import { checkRequiredAgentFields, parseAgentFields, withAgentDefaults } from "./agent-fields.js";
import { agentReferenceProblems } from "./agent-references.js";
import type { ConfigReport } from "./config-report.js";
import { formatKeyPath } from "./key-path.js";
import type { AgentConfig, ModelConfig } from "./runtime-config.js";
import type { ToolCatalogue } from "./tool-selectors.js";
import { isRecord } from "./zod-issues.js";

export const AGENTS_FILE = "agents.yaml";

/**
 * agents.yaml (CrewAI format): key = agent_type. Also checks the tools and model code each
 * agent names, even when another of its fields is invalid, so one error lists everything.
 */
export function parseAgentsFile(input: {
  content: Record<string, unknown>;
  models: Readonly<Record<string, ModelConfig>>;
  tools: ToolCatalogue;
  modelCodes: ReadonlySet<string>;
  report: ConfigReport;
}): Record<string, AgentConfig> {
  const { content, models, tools, modelCodes, report } = input;
  const agents: Record<string, AgentConfig> = {};
  for (const [agentType, entry] of Object.entries(content)) {
    if (!isRecord(entry)) {
      report.problem(AGENTS_FILE, agentType, "must be a mapping with role, goal and backstory");
      continue;
    }
    const { fields, extra, valid } = parseAgentFields({
      entry,
      models,
      file: AGENTS_FILE,
      path: [agentType],
      owner: agentType,
      report,
    });
    const complete = checkRequiredAgentFields({
      entry,
      file: AGENTS_FILE,
      path: [agentType],
      message: "required field is missing",
      report,
    });
    const references = { tools: fields.tools ?? [], llm: fields.llm ?? {} };
    for (const problem of agentReferenceProblems({ agent: references, tools, modelCodes })) {
      report.problem(AGENTS_FILE, formatKeyPath([agentType, ...problem.path]), problem.message);
    }
    if (!valid || !complete || !fields.role || !fields.goal || !fields.backstory) continue;
    agents[agentType] = withAgentDefaults({
      ...fields,
      agent_type: agentType,
      role: fields.role,
      goal: fields.goal,
      backstory: fields.backstory,
      extra,
      source: { file: AGENTS_FILE, key: agentType },
    });
  }
  return agents;
}
