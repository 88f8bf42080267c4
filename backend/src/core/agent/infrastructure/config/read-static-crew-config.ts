import { AjvJsonSchemaValidator } from "../validation/ajv-json-schema-validator.js";
import { ConfigReport } from "./config-report.js";
import { AGENTS_FILE, parseAgentsFile } from "./parse-agents-file.js";
import { MODELS_FILE, parseModelsFile } from "./parse-models-file.js";
import { parseTasksFile, TASKS_FILE } from "./parse-tasks-file.js";
import { SOURCES_KEY } from "./parse-tool-sources.js";
import { parseToolsFile, TOOLS_FILE } from "./parse-tools-file.js";
import { parseWorkflowFile, WORKFLOW_FILE, workflowFromTaskOrder } from "./parse-workflow-file.js";
import { readJsoncProject } from "./read-jsonc-project.js";
import type { StaticCrewConfig } from "./runtime-config.js";
import { assignTaskAgents } from "./task-agents.js";
import { checkTaskOutputSchemas } from "./task-output-schemas.js";
import { checkTaskReferences } from "./task-references.js";
import { BUILTIN_AGUI_TOOLS } from "./tool-agui-fields.js";
import { readYamlFile } from "./yaml-file-reader.js";

// A CrewAI project has only agents.yaml and tasks.yaml; the other three files are ours.
const REQUIRED_FILES: ReadonlySet<string> = new Set([AGENTS_FILE, TASKS_FILE]);

/**
 * Reads and checks a CrewAI project in `directory`: agents.yaml and tasks.yaml (or CrewAI's
 * JSON-first crew.jsonc with agents/*.jsonc), plus our workflow.yaml, tools.yaml and
 * models.yaml. Throws one `ConfigError` listing every problem (file + key); fields this
 * runtime does not use are kept in `extra` and listed in `warnings`.
 */
export function readStaticCrewConfig(directory: string): StaticCrewConfig {
  const report = new ConfigReport();
  const contents = new Map<string, Record<string, unknown> | undefined>();
  let unreadable = false;
  const jsonc = readJsoncProject({ directory, report });
  if (jsonc) {
    unreadable = report.problems.length > 0;
    contents.set(AGENTS_FILE, jsonc.agents);
    contents.set(TASKS_FILE, jsonc.tasks);
    report.showFileAs(AGENTS_FILE, "agents/*.jsonc");
    report.showFileAs(TASKS_FILE, jsonc.crewFile);
  }
  for (const file of [AGENTS_FILE, TASKS_FILE, WORKFLOW_FILE, TOOLS_FILE, MODELS_FILE]) {
    if (contents.has(file)) continue;
    const content = readYamlFile({ directory, file, report });
    if (content.status === "parsed") contents.set(file, content.value);
    else if (content.status === "broken") unreadable = true;
    else if (REQUIRED_FILES.has(file)) {
      report.problem(file, "(file)", `not found in ${directory}`);
      unreadable = true;
    }
  }
  if (jsonc && !contents.has(WORKFLOW_FILE)) {
    contents.set(WORKFLOW_FILE, jsonc.workflow);
    report.showFileAs(WORKFLOW_FILE, jsonc.crewFile);
  }
  // Cross-file checks against a file that could not be read would only add noise.
  if (unreadable) report.throwIfProblems();

  const agentsContent = contents.get(AGENTS_FILE) ?? {};
  const tasksContent = contents.get(TASKS_FILE) ?? {};
  const toolsContent = contents.get(TOOLS_FILE) ?? {};
  const modelsContent = contents.get(MODELS_FILE) ?? {};
  const workflowContent = contents.get(WORKFLOW_FILE);

  // Names come from the files' keys, so an entry with a bad field is not also "unknown".
  const agentOrder = Object.keys(agentsContent);
  const agentNames = new Set(agentOrder);
  const taskOrder = Object.keys(tasksContent);
  const toolNames = new Set([
    ...Object.keys(BUILTIN_AGUI_TOOLS),
    ...Object.keys(toolsContent).filter((key) => key !== SOURCES_KEY),
  ]);
  const modelCodes = new Set(Object.keys(modelsContent));

  const models = parseModelsFile({ content: modelsContent, report });
  const parsedTools = parseToolsFile({ content: toolsContent, directory, report });
  const tools = { ...BUILTIN_AGUI_TOOLS, ...parsedTools.tools };
  const agents = parseAgentsFile({
    content: agentsContent,
    models,
    tools: { toolNames, tools, sources: parsedTools.sources },
    modelCodes,
    report,
  });
  const tasks = assignTaskAgents({
    tasks: parseTasksFile({ content: tasksContent, report }),
    taskOrder,
    agentOrder,
    report,
  });
  checkTaskReferences({ tasks, taskOrder, agentNames, report });
  checkTaskOutputSchemas({ tasks, validator: new AjvJsonSchemaValidator(), report });

  if (taskOrder.length === 0) report.problem(TASKS_FILE, "(root)", "defines no task");
  const { workflows, default_workflow } = workflowContent
    ? parseWorkflowFile({
        content: workflowContent,
        tasks,
        agentNames,
        taskNames: new Set(taskOrder),
        report,
      })
    : workflowFromTaskOrder({ tasks, agentCount: agentOrder.length, report });

  report.throwIfProblems();
  return {
    agents,
    tasks,
    workflows,
    default_workflow,
    tools,
    tool_sources: parsedTools.sources,
    models,
    warnings: report.warnings(),
  };
}
