import { z } from "zod";
import type { ConfigReport } from "./config-report.js";
import { formatKeyPath, type KeySegment } from "./key-path.js";
import { TASKS_FILE } from "./parse-tasks-file.js";
import type { StageConfig, TaskConfig, WorkflowConfig } from "./runtime-config.js";
import { taskWithoutAgentMessage } from "./task-agents.js";
import { checkProcess, checkStageContext, parseInputDefaults } from "./workflow-checks.js";
import { isRecord, reportZodIssues } from "./zod-issues.js";

export const WORKFLOW_FILE = "workflow.yaml";
const DEFAULT_WORKFLOW_NAME = "default";

const text = z.string().trim().min(1, "must not be empty");

const StageSchema = z.strictObject({
  name: text.optional(),
  agent: text.optional(),
  task: text,
  output: z.enum(["chat", "context"]).optional(),
});

const WorkflowSchema = z.strictObject({
  description: text.optional(),
  // Checked by checkProcess, so that "hierarchical" gets a message saying what to do.
  process: z.unknown().optional(),
  inputs: z.unknown().optional(),
  stages: z.array(StageSchema).min(1, "must list at least one stage"),
});

const WorkflowFileSchema = z.strictObject({
  default: text.optional(),
  workflows: z.record(z.string(), z.unknown()),
});

export interface ParsedWorkflows {
  workflows: Record<string, WorkflowConfig>;
  default_workflow: string;
}

/**
 * workflow.yaml: `{ default: <name>, workflows: { <name>: { description?, process, inputs?,
 * stages } } }`. A stage's `agent` defaults to its task's agent and its `name` to the task
 * name; `output` defaults to `chat` for the last stage and `context` for the others.
 */
export function parseWorkflowFile(input: {
  content: Record<string, unknown>;
  tasks: Readonly<Record<string, TaskConfig>>;
  agentNames: ReadonlySet<string>;
  taskNames: ReadonlySet<string>;
  report: ConfigReport;
}): ParsedWorkflows {
  const { content, report } = input;
  const file = WorkflowFileSchema.safeParse(content);
  if (!file.success) {
    reportZodIssues({ error: file.error, raw: content, file: WORKFLOW_FILE, prefix: [], report });
    return { workflows: {}, default_workflow: DEFAULT_WORKFLOW_NAME };
  }

  const workflows: Record<string, WorkflowConfig> = {};
  for (const [name, entry] of Object.entries(file.data.workflows)) {
    const path = ["workflows", name];
    // Before the schema, so a refused process is reported even when a stage is invalid too.
    const process = checkProcess({
      process: isRecord(entry) ? entry.process : undefined,
      file: WORKFLOW_FILE,
      path,
      report,
    });
    const result = WorkflowSchema.safeParse(entry);
    if (!result.success) {
      reportZodIssues({
        error: result.error,
        raw: entry,
        file: WORKFLOW_FILE,
        prefix: path,
        report,
      });
      continue;
    }
    const { description, stages } = result.data;
    const inputs = parseInputDefaults({
      inputs: result.data.inputs,
      file: WORKFLOW_FILE,
      path,
      report,
    });
    const resolved = stages.map((stage, index) =>
      resolveStage({
        ...input,
        stage,
        path: [...path, "stages", index],
        last: index === stages.length - 1,
      }),
    );
    reportDuplicateStageNames(resolved, path, report);
    checkStageContext({ stages: resolved, tasks: input.tasks, file: WORKFLOW_FILE, path, report });
    if (!resolved.some((stage) => stage.output === "chat")) {
      report.warn(
        WORKFLOW_FILE,
        formatKeyPath(path),
        "no stage has output chat; the user sees no answer",
      );
    }
    workflows[name] = {
      name,
      ...(description ? { description } : {}),
      process,
      stages: resolved,
      inputs,
    };
  }

  const names = Object.keys(file.data.workflows);
  const defaultWorkflow =
    file.data.default ?? (names.length === 1 ? names[0] : undefined) ?? DEFAULT_WORKFLOW_NAME;
  if (!names.includes(defaultWorkflow)) {
    report.problem(
      WORKFLOW_FILE,
      "default",
      file.data.default === undefined
        ? "required: the name of the workflow to run when a run names none"
        : `unknown workflow "${defaultWorkflow}"`,
    );
  }
  return { workflows, default_workflow: defaultWorkflow };
}

function resolveStage(input: {
  stage: z.infer<typeof StageSchema>;
  path: readonly KeySegment[];
  last: boolean;
  tasks: Readonly<Record<string, TaskConfig>>;
  agentNames: ReadonlySet<string>;
  taskNames: ReadonlySet<string>;
  report: ConfigReport;
}): StageConfig {
  const { stage, path, last, tasks, agentNames, taskNames, report } = input;
  if (!taskNames.has(stage.task)) {
    report.problem(WORKFLOW_FILE, formatKeyPath([...path, "task"]), `unknown task "${stage.task}"`);
  }
  if (stage.agent !== undefined && !agentNames.has(stage.agent)) {
    report.problem(
      WORKFLOW_FILE,
      formatKeyPath([...path, "agent"]),
      `unknown agent "${stage.agent}"`,
    );
  }
  const task = tasks[stage.task];
  if (stage.agent === undefined && task !== undefined && task.agent === undefined) {
    report.problem(
      WORKFLOW_FILE,
      formatKeyPath([...path, "agent"]),
      `task "${stage.task}" ${taskWithoutAgentMessage({ agentCount: agentNames.size, taskCount: taskNames.size })}`,
    );
  }
  return {
    name: stage.name ?? stage.task,
    agent: stage.agent ?? task?.agent ?? "",
    task: stage.task,
    output: stage.output ?? (last ? "chat" : "context"),
  };
}

function reportDuplicateStageNames(
  stages: readonly StageConfig[],
  path: readonly KeySegment[],
  report: ConfigReport,
): void {
  const seen = new Set<string>();
  for (const [index, stage] of stages.entries()) {
    if (seen.has(stage.name)) {
      report.problem(
        WORKFLOW_FILE,
        formatKeyPath([...path, "stages", index, "name"]),
        `duplicate stage name "${stage.name}"; stage outputs are keyed by name`,
      );
    }
    seen.add(stage.name);
  }
}

/**
 * Without workflow.yaml a CrewAI project runs its tasks in file order, as CrewAI's sequential
 * process does. Tasks that have no agent (and could not be given one) are one problem.
 */
export function workflowFromTaskOrder(input: {
  tasks: Readonly<Record<string, TaskConfig>>;
  agentCount: number;
  report: ConfigReport;
}): ParsedWorkflows {
  const tasks = Object.values(input.tasks);
  input.report.warn(
    WORKFLOW_FILE,
    "(file)",
    `not found; workflow "${DEFAULT_WORKFLOW_NAME}" runs the tasks of tasks.yaml in file order`,
  );
  const agentless = tasks.filter((task) => task.agent === undefined).map((task) => task.name);
  if (agentless.length > 0) {
    input.report.problem(
      TASKS_FILE,
      agentless.join(", "),
      taskWithoutAgentMessage({ agentCount: input.agentCount, taskCount: tasks.length }),
    );
  }
  const stages = tasks.map(
    (task, index): StageConfig => ({
      name: task.name,
      agent: task.agent ?? "",
      task: task.name,
      output: index === tasks.length - 1 ? "chat" : "context",
    }),
  );
  return {
    workflows: {
      [DEFAULT_WORKFLOW_NAME]: {
        name: DEFAULT_WORKFLOW_NAME,
        process: "sequential",
        stages,
        inputs: {},
      },
    },
    default_workflow: DEFAULT_WORKFLOW_NAME,
  };
}
