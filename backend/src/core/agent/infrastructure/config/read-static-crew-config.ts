import { ConfigReport } from "./config-report.js";
import { AGENTS_FILE, parseAgentsFile } from "./parse-agents-file.js";
import { MODELS_FILE, parseModelsFile } from "./parse-models-file.js";
import { parseTasksFile, TASKS_FILE } from "./parse-tasks-file.js";
import { parseToolsFile, TOOLS_FILE } from "./parse-tools-file.js";
import { parseWorkflowFile, WORKFLOW_FILE, workflowFromTaskOrder } from "./parse-workflow-file.js";
import type { StaticCrewConfig } from "./runtime-config.js";
import { checkTaskReferences } from "./task-references.js";
import { BUILTIN_AGUI_TOOLS } from "./tool-agui-fields.js";
import { readYamlFile } from "./yaml-file-reader.js";

// A CrewAI project has only agents.yaml and tasks.yaml; the other three files are ours.
const REQUIRED_FILES: ReadonlySet<string> = new Set([AGENTS_FILE, TASKS_FILE]);

/**
 * Reads and checks agents.yaml, tasks.yaml, workflow.yaml, tools.yaml and models.yaml from
 * `directory`. Throws one `ConfigError` listing every problem (file + key); fields this
 * runtime does not use are kept in `extra` and listed in `warnings`.
 */
export function readStaticCrewConfig(directory: string): StaticCrewConfig {
  const report = new ConfigReport();
  const contents = new Map<string, Record<string, unknown> | undefined>();
  let unreadable = false;
  for (const file of [AGENTS_FILE, TASKS_FILE, WORKFLOW_FILE, TOOLS_FILE, MODELS_FILE]) {
    const content = readYamlFile({ directory, file, report });
    if (content.status === "parsed") contents.set(file, content.value);
    else if (content.status === "broken") unreadable = true;
    else if (REQUIRED_FILES.has(file)) {
      report.problem(file, "(file)", `not found in ${directory}`);
      unreadable = true;
    }
  }
  // Cross-file checks against a file that could not be read would only add noise.
  if (unreadable) report.throwIfProblems();

  const agentsContent = contents.get(AGENTS_FILE) ?? {};
  const tasksContent = contents.get(TASKS_FILE) ?? {};
  const toolsContent = contents.get(TOOLS_FILE) ?? {};
  const modelsContent = contents.get(MODELS_FILE) ?? {};
  const workflowContent = contents.get(WORKFLOW_FILE);

  // Names come from the files' keys, so an entry with a bad field is not also "unknown".
  const agentNames = new Set(Object.keys(agentsContent));
  const taskOrder = Object.keys(tasksContent);
  const toolNames = new Set([...Object.keys(BUILTIN_AGUI_TOOLS), ...Object.keys(toolsContent)]);
  const modelCodes = new Set(Object.keys(modelsContent));

  const models = parseModelsFile({ content: modelsContent, report });
  const tools = { ...BUILTIN_AGUI_TOOLS, ...parseToolsFile({ content: toolsContent, report }) };
  const agents = parseAgentsFile({ content: agentsContent, models, toolNames, modelCodes, report });
  const tasks = parseTasksFile({ content: tasksContent, report });
  checkTaskReferences({ tasks, taskOrder, agentNames, report });

  if (taskOrder.length === 0) report.problem(TASKS_FILE, "(root)", "defines no task");
  const { workflows, default_workflow } = workflowContent
    ? parseWorkflowFile({
        content: workflowContent,
        tasks,
        agentNames,
        taskNames: new Set(taskOrder),
        report,
      })
    : workflowFromTaskOrder({ tasks, report });

  report.throwIfProblems();
  return { agents, tasks, workflows, default_workflow, tools, models, warnings: report.warnings() };
}
