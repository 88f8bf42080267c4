import { placeholderNames } from "./interpolate.js";
import type { AgentConfig, TaskConfig, WorkflowConfig, WorkflowInput } from "./runtime-config.js";

/** The placeholder every stage can use: the user's latest message. */
export const MESSAGE_PLACEHOLDER = "message";

/**
 * Placeholders the runtime fills when the caller gives no value (a caller's input, the
 * thread's state or a workflow default wins), because CrewAI projects commonly pass them from
 * `main.py` (`inputs={"current_year": str(datetime.now().year)}`).
 */
export const BUILTIN_INPUTS: Readonly<
  Record<string, { describe: string; value: (now: Date) => string }>
> = {
  current_year: {
    describe: "the current year (UTC)",
    value: (now) => String(now.getUTCFullYear()),
  },
  current_date: {
    describe: "today's date (UTC, YYYY-MM-DD)",
    value: (now) => now.toISOString().slice(0, 10),
  },
};

/** The texts of a stage that may hold placeholders: its agent's prompt and its task. */
export function stageTemplates(input: { agent?: AgentConfig; task?: TaskConfig }): string[] {
  const { agent, task } = input;
  return [
    ...(agent ? [agent.role, agent.goal, agent.backstory] : []),
    ...(task ? [task.description, task.expected_output] : []),
  ];
}

export interface StageReferenceProblem {
  stageIndex: number;
  message: string;
}

/**
 * What a workflow's placeholders are: `{message}`, the output of an earlier stage (`{intent}`),
 * or an input the caller fills (`{topic}`), optional when the workflow has a default for it or
 * the runtime builds it in. A placeholder naming the stage itself or a later one can never be
 * filled: it is a problem.
 */
export function workflowInputs(input: {
  workflow: WorkflowConfig;
  agents: Readonly<Record<string, AgentConfig>>;
  tasks: Readonly<Record<string, TaskConfig>>;
}): { inputs: WorkflowInput[]; problems: StageReferenceProblem[] } {
  const { workflow, agents, tasks } = input;
  const stageIndex = new Map(workflow.stages.map((stage, index) => [stage.name, index]));
  const names: string[] = [];
  const problems: StageReferenceProblem[] = [];
  for (const [index, stage] of workflow.stages.entries()) {
    const templates = stageTemplates({ agent: agents[stage.agent], task: tasks[stage.task] });
    for (const name of templates.flatMap(placeholderNames)) {
      if (name === MESSAGE_PLACEHOLDER) continue;
      const producer = stageIndex.get(name);
      if (producer === undefined) {
        if (!names.includes(name)) names.push(name);
      } else if (producer >= index) {
        const problem = `placeholder {${name}} names stage "${name}", which has not finished when stage "${stage.name}" runs; only earlier stages' outputs can be used`;
        if (!problems.some((known) => known.stageIndex === index && known.message === problem)) {
          problems.push({ stageIndex: index, message: problem });
        }
      }
    }
  }
  const inputs = names.map((name): WorkflowInput => {
    const fallback = Object.hasOwn(workflow.inputs, name) ? workflow.inputs[name] : undefined;
    if (fallback !== undefined) return { name, required: false, default: fallback };
    const builtin = Object.hasOwn(BUILTIN_INPUTS, name) ? BUILTIN_INPUTS[name] : undefined;
    if (builtin !== undefined) return { name, required: false, builtin: builtin.describe };
    return { name, required: true };
  });
  return { inputs, problems };
}
