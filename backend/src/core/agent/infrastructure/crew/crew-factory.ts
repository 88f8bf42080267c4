import { interpolate } from "../config/interpolate.js";
import type {
  AgentConfig,
  RuntimeConfig,
  StageConfig,
  TaskConfig,
  TaskOutputSchema,
} from "../config/runtime-config.js";

/** An agent as one stage runs it: its prompt pieces interpolated, its model chosen. */
export interface CrewAgent {
  agentType: string;
  role: string;
  goal: string;
  backstory: string;
  modelCode: string;
  tools: string[];
  maxIter: number;
  config: AgentConfig;
}

export interface CrewTask {
  name: string;
  agentType: string;
  description: string;
  expectedOutput: string;
  /** Earlier stages whose outputs this task receives as context, in the order the task lists them. */
  contextStages: string[];
  /** The JSON Schema the answer must satisfy (`output_json` / `output_pydantic`). */
  output?: TaskOutputSchema;
  /** A person reviews the answer before the run moves on. */
  humanInput: boolean;
  markdown: boolean;
}

export interface CrewStage {
  index: number;
  name: string;
  output: StageConfig["output"];
  agent: CrewAgent;
  task: CrewTask;
  /** Placeholders of this stage's agent and task that no variable filled (left as written). */
  missingVariables: string[];
}

export interface Crew {
  workflow: string;
  agents: CrewAgent[];
  tasks: CrewTask[];
  stages: CrewStage[];
  /** Placeholders the templates used but no variable filled (left as written). */
  missingVariables: string[];
}

/**
 * Builds a workflow's agents and tasks from the resolved config, with CrewAI `{var}`
 * placeholders filled from `variables` (`message`, inputs, earlier stage outputs by stage
 * name…). What a stage could not fill is listed on the stage: the runtime refuses to run it.
 */
export function buildCrew({
  config,
  workflow,
  variables,
  defaultModelCode,
}: {
  config: RuntimeConfig;
  workflow: string;
  variables: Readonly<Record<string, string>>;
  defaultModelCode: string;
}): Crew {
  const definition = config.workflows[workflow];
  if (!definition) throw new Error(`unknown workflow "${workflow}"`);
  const fill = (template: string, missing: Set<string>) => {
    const filled = interpolate(template, variables);
    for (const name of filled.missing) missing.add(name);
    return filled.text;
  };

  const agents = new Map<string, { agent: CrewAgent; missing: Set<string> }>();
  const agentFor = (agentConfig: AgentConfig) => {
    const known = agents.get(agentConfig.agent_type);
    if (known) return known;
    const missing = new Set<string>();
    const agent: CrewAgent = {
      agentType: agentConfig.agent_type,
      role: fill(agentConfig.role, missing),
      goal: fill(agentConfig.goal, missing),
      backstory: fill(agentConfig.backstory, missing),
      modelCode: agentConfig.llm.model_code ?? defaultModelCode,
      tools: agentConfig.tools,
      maxIter: agentConfig.max_iter,
      config: agentConfig,
    };
    agents.set(agent.agentType, { agent, missing });
    return { agent, missing };
  };

  const stages = definition.stages.map((stage, index): CrewStage => {
    const { agent, missing: agentMissing } = agentFor(config.agents[stage.agent] as AgentConfig);
    const taskConfig = config.tasks[stage.task] as TaskConfig;
    const missing = new Set(agentMissing);
    const task: CrewTask = {
      name: taskConfig.name,
      agentType: agent.agentType,
      description: fill(taskConfig.description, missing),
      expectedOutput: fill(taskConfig.expected_output, missing),
      contextStages: contextStagesOf({ taskConfig, earlier: definition.stages.slice(0, index) }),
      ...(taskConfig.output ? { output: taskConfig.output } : {}),
      humanInput: taskConfig.human_input,
      markdown: taskConfig.markdown,
    };
    return {
      index,
      name: stage.name,
      output: stage.output,
      agent,
      task,
      missingVariables: [...missing],
    };
  });
  return {
    workflow,
    agents: [...agents.values()].map(({ agent }) => agent),
    tasks: stages.map((stage) => stage.task),
    stages,
    missingVariables: [...new Set(stages.flatMap((stage) => stage.missingVariables))],
  };
}

/**
 * CrewAI's rule: a task without `context` receives every earlier task's output; with
 * `context`, only the outputs of the tasks it lists (any earlier ones, not only the last).
 */
function contextStagesOf({
  taskConfig,
  earlier,
}: {
  taskConfig: TaskConfig;
  earlier: readonly StageConfig[];
}): string[] {
  if (taskConfig.context === undefined) return earlier.map((stage) => stage.name);
  return taskConfig.context.flatMap((taskName) =>
    earlier.filter((stage) => stage.task === taskName).map((stage) => stage.name),
  );
}
