import type { ConfigReport } from "./config-report.js";
import { formatKeyPath } from "./key-path.js";
import { TASKS_FILE } from "./parse-tasks-file.js";
import type { TaskConfig } from "./runtime-config.js";

/** A task's agent (when it names one) must exist; its `context` may only name tasks listed before it. */
export function checkTaskReferences(input: {
  tasks: Readonly<Record<string, TaskConfig>>;
  taskOrder: readonly string[];
  agentNames: ReadonlySet<string>;
  report: ConfigReport;
}): void {
  const { tasks, taskOrder, agentNames, report } = input;
  for (const task of Object.values(tasks)) {
    if (task.agent !== undefined && !agentNames.has(task.agent)) {
      report.problem(TASKS_FILE, `${task.name}.agent`, `unknown agent "${task.agent}"`);
    }
    const position = taskOrder.indexOf(task.name);
    for (const [index, contextTask] of (task.context ?? []).entries()) {
      const key = formatKeyPath([task.name, "context", index]);
      const contextPosition = taskOrder.indexOf(contextTask);
      if (contextPosition === -1) report.problem(TASKS_FILE, key, `unknown task "${contextTask}"`);
      else if (contextPosition >= position) {
        report.problem(
          TASKS_FILE,
          key,
          `task "${contextTask}" is not listed before "${task.name}"; context can only name earlier tasks`,
        );
      }
    }
  }
}
