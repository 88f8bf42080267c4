import type { ConfigReport } from "./config-report.js";
import { TASKS_FILE } from "./parse-tasks-file.js";
import type { TaskConfig } from "./runtime-config.js";

/**
 * Gives each task without `agent:` the agent a CrewAI `crew.py` most often gives it, and says
 * so in a warning:
 * - the only agent, when agents.yaml has one;
 * - the agent at the same position, when agents.yaml lists as many agents as tasks.yaml tasks
 *   (crew.py then usually pairs them in order: `code_task` → `self.senior_engineer()`, …).
 *
 * Other tasks stay without an agent: a workflow.yaml stage that runs one must name its agent
 * (see `taskWithoutAgentMessage`). Pure: returns new task records.
 */
export function assignTaskAgents(input: {
  tasks: Readonly<Record<string, TaskConfig>>;
  taskOrder: readonly string[];
  agentOrder: readonly string[];
  report: ConfigReport;
}): Record<string, TaskConfig> {
  const { tasks, taskOrder, agentOrder, report } = input;
  const assigned: Record<string, TaskConfig> = { ...tasks };
  const single = agentOrder.length === 1;
  const byPosition = agentOrder.length === taskOrder.length;
  const pairs: string[] = [];
  for (const [index, name] of taskOrder.entries()) {
    const task = tasks[name];
    if (!task || task.agent !== undefined) continue;
    const agent = single ? agentOrder[0] : byPosition ? agentOrder[index] : undefined;
    if (agent === undefined) continue;
    assigned[name] = { ...task, agent };
    pairs.push(`${name} → ${agent}`);
  }
  if (pairs.length > 0) {
    report.warn(
      TASKS_FILE,
      "(agent)",
      single
        ? `tasks without "agent:" use the only agent: ${pairs.join(", ")}`
        : `tasks without "agent:" use the agent at the same position in agents.yaml: ${pairs.join(", ")}; add "agent:" to a task if crew.py pairs them differently`,
    );
  }
  return assigned;
}

/** How to fix a task that has no agent and could not be given one. */
export function taskWithoutAgentMessage(input: { agentCount: number; taskCount: number }): string {
  return (
    `has no agent: add "agent: <agent name>" to the task in tasks.yaml (what crew.py's ` +
    `\`agent=self.<agent name>()\` says), or name the agent in the workflow.yaml stage that ` +
    `runs it. It cannot be inferred: agents.yaml has ${input.agentCount} agents and tasks.yaml ` +
    `${input.taskCount} tasks (only a single agent, or one agent per task in the same order, is inferred)`
  );
}
