import { interpolate } from "../config/interpolate.js";
import type {
  AgentConfig,
  RuntimeConfig,
  StageConfig,
  TaskConfig,
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
  /** Earlier stages whose outputs this task receives as context. */
  contextStages: string[];
}

export interface CrewStage {
  index: number;
  name: string;
  output: StageConfig["output"];
  agent: CrewAgent;
  task: CrewTask;
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
 * placeholders filled from `variables` (`message`, earlier stage outputs by stage name…).
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
  const missing = new Set<string>();
  const fill = (template: string) => {
    const filled = interpolate(template, variables);
    for (const name of filled.missing) missing.add(name);
    return filled.text;
  };

  const agents = new Map<string, CrewAgent>();
  const stages = definition.stages.map((stage, index): CrewStage => {
    const agentConfig = config.agents[stage.agent] as AgentConfig;
    const taskConfig = config.tasks[stage.task] as TaskConfig;
    const agent =
      agents.get(agentConfig.agent_type) ??
      ({
        agentType: agentConfig.agent_type,
        role: fill(agentConfig.role),
        goal: fill(agentConfig.goal),
        backstory: fill(agentConfig.backstory),
        modelCode: agentConfig.llm.model_code ?? defaultModelCode,
        tools: agentConfig.tools,
        maxIter: agentConfig.max_iter,
        config: agentConfig,
      } satisfies CrewAgent);
    agents.set(agent.agentType, agent);
    const earlier = definition.stages.slice(0, index);
    const contextStages =
      taskConfig.context.length > 0
        ? earlier
            .filter((candidate) => taskConfig.context.includes(candidate.task))
            .map((s) => s.name)
        : earlier.map((candidate) => candidate.name);
    const task: CrewTask = {
      name: taskConfig.name,
      agentType: agent.agentType,
      description: fill(taskConfig.description),
      expectedOutput: fill(taskConfig.expected_output),
      contextStages,
    };
    return { index, name: stage.name, output: stage.output, agent, task };
  });
  return {
    workflow,
    agents: [...agents.values()],
    tasks: stages.map((stage) => stage.task),
    stages,
    missingVariables: [...missing],
  };
}
