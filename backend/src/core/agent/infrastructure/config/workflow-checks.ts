import type { ConfigReport } from "./config-report.js";
import { formatKeyPath, type KeySegment } from "./key-path.js";
import type { StageConfig, TaskConfig } from "./runtime-config.js";
import { isRecord } from "./zod-issues.js";

export const HIERARCHICAL_NOT_SUPPORTED =
  'process "hierarchical" is not supported: this runtime has no manager agent that plans and ' +
  "delegates. Use process: sequential and list the stages in the order the work should happen, " +
  "each naming its agent (a hierarchical crew would otherwise run as something it is not)";

/** `process`: only `sequential` runs; anything else is refused, never run as sequential. */
export function checkProcess(input: {
  process: unknown;
  file: string;
  path: readonly KeySegment[];
  report: ConfigReport;
}): "sequential" {
  const { process, file, path, report } = input;
  if (process === undefined || process === null || process === "sequential") return "sequential";
  const key = formatKeyPath([...path, "process"]);
  if (process === "hierarchical") report.problem(file, key, HIERARCHICAL_NOT_SUPPORTED);
  else report.problem(file, key, `unknown process ${JSON.stringify(process)}; use "sequential"`);
  return "sequential";
}

/**
 * Default input values: a mapping of names to strings, numbers, booleans or JSON values
 * (stringified as CrewAI does when it interpolates them).
 */
export function parseInputDefaults(input: {
  inputs: unknown;
  file: string;
  path: readonly KeySegment[];
  report: ConfigReport;
}): Record<string, string> {
  const { inputs, file, path, report } = input;
  if (inputs === undefined || inputs === null) return {};
  if (!isRecord(inputs)) {
    report.problem(
      file,
      formatKeyPath([...path, "inputs"]),
      "must be a mapping of input names to default values",
    );
    return {};
  }
  const defaults: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (value === null || value === undefined) continue;
    defaults[name] =
      typeof value === "string"
        ? value
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  }
  return defaults;
}

/**
 * A stage's task takes context from tasks an earlier stage of the same workflow runs; a
 * context task no earlier stage runs gives it nothing, which is worth a warning (a workflow
 * may reuse a task without its producer on purpose, as the shipped `single` one does).
 */
export function checkStageContext(input: {
  stages: readonly StageConfig[];
  tasks: Readonly<Record<string, TaskConfig>>;
  file: string;
  path: readonly KeySegment[];
  report: ConfigReport;
}): void {
  const { stages, tasks, file, path, report } = input;
  const ran = new Set<string>();
  for (const [index, stage] of stages.entries()) {
    for (const contextTask of tasks[stage.task]?.context ?? []) {
      if (!ran.has(contextTask) && tasks[contextTask] !== undefined) {
        report.warn(
          file,
          formatKeyPath([...path, "stages", index, "task"]),
          `task "${stage.task}" takes context from "${contextTask}", which no earlier stage of this workflow runs; it gets nothing from it here`,
        );
      }
    }
    ran.add(stage.task);
  }
}
