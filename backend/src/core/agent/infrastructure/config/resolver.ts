import { agentReferenceProblems } from "./agent-references.js";
import { SYSTEM_AGENTS_TABLE } from "./config-error.js";
import { ConfigReport } from "./config-report.js";
import { formatKeyPath } from "./key-path.js";
import { WORKFLOW_FILE } from "./parse-workflow-file.js";
import type {
  AgentConfig,
  RuntimeConfig,
  StaticCrewConfig,
  SystemAgentRow,
  WorkflowInput,
} from "./runtime-config.js";
import {
  latestEnabledRows,
  mergeSystemAgentRow,
  systemAgentLocation,
} from "./system-agent-merge.js";
import { workflowInputs } from "./workflow-inputs.js";

/**
 * Merges the enabled `system_agents` rows over the static agents, database winning field by
 * field, and re-checks the references the rows can break (tools, model codes). Disabled rows
 * are ignored; of several enabled rows for one agent_type the highest version wins. Pure:
 * throws `ConfigError` listing every problem.
 */
export function resolveAgentRuntimeConfig(
  systemAgents: readonly SystemAgentRow[],
  staticConfig: StaticCrewConfig,
): RuntimeConfig {
  const report = new ConfigReport();
  const { models, tools, tool_sources, workflows, default_workflow } = staticConfig;
  const toolCatalogue = { toolNames: new Set(Object.keys(tools)), tools, sources: tool_sources };
  const modelCodes = new Set(Object.keys(models));

  const agents: Record<string, AgentConfig> = { ...staticConfig.agents };
  for (const row of latestEnabledRows(systemAgents)) {
    const base = staticConfig.agents[row.agent_type];
    const agent = mergeSystemAgentRow({ row, base, models, report });
    if (!agent) continue;
    for (const problem of agentReferenceProblems({
      agent,
      tools: toolCatalogue,
      modelCodes,
    })) {
      report.problem(
        SYSTEM_AGENTS_TABLE,
        formatKeyPath([systemAgentLocation(row), ...problem.path]),
        problem.message,
      );
    }
    agents[row.agent_type] = agent;
  }

  // After the merge: a system_agents row may change which placeholders a prompt uses.
  const workflow_inputs: Record<string, WorkflowInput[]> = {};
  for (const workflow of Object.values(workflows)) {
    const { inputs, problems } = workflowInputs({ workflow, agents, tasks: staticConfig.tasks });
    workflow_inputs[workflow.name] = inputs;
    for (const problem of problems) {
      report.problem(
        WORKFLOW_FILE,
        formatKeyPath(["workflows", workflow.name, "stages", problem.stageIndex]),
        problem.message,
      );
    }
  }

  const defaultWorkflow = workflows[default_workflow];
  if (!defaultWorkflow) {
    report.problem(WORKFLOW_FILE, "default", `unknown workflow "${default_workflow}"`);
  }
  report.throwIfProblems();

  return {
    agents,
    tasks: staticConfig.tasks,
    tools,
    tool_sources,
    workflows,
    default_workflow,
    workflow_stages: defaultWorkflow?.stages.map((stage) => stage.name) ?? [],
    workflow_inputs,
    models,
    warnings: [...staticConfig.warnings, ...report.warnings()],
  };
}
