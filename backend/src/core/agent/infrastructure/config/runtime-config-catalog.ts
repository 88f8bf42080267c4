import type {
  AgentCatalog,
  AgentCatalogDescription,
  WorkflowInputDescription,
} from "../../application/ports/agent-catalog.js";
import type { RuntimeConfigLoader } from "./runtime-config-loader.js";

/** The `AgentCatalog` port over the resolved configuration (cached by the loader). */
export class RuntimeConfigCatalog implements AgentCatalog {
  constructor(
    private readonly loader: RuntimeConfigLoader,
    private readonly defaultModelCode: string,
  ) {}

  async defaultWorkflow(): Promise<string> {
    return (await this.loader.get()).default_workflow;
  }

  async hasWorkflow(name: string): Promise<boolean> {
    return Object.hasOwn((await this.loader.get()).workflows, name);
  }

  async workflowStages(name: string): Promise<string[]> {
    return (await this.loader.get()).workflows[name]?.stages.map((stage) => stage.name) ?? [];
  }

  async workflowInputs(): Promise<Record<string, WorkflowInputDescription[]>> {
    return (await this.loader.get()).workflow_inputs;
  }

  async backendToolNames(): Promise<ReadonlySet<string>> {
    return new Set(Object.keys((await this.loader.get()).tools));
  }

  /** MCP sources' prefixes: the api does not know which tools a server lists. */
  async backendToolPrefixes(): Promise<readonly string[]> {
    return Object.values((await this.loader.get()).tool_sources).flatMap((source) =>
      source.kind === "mcp" ? [source.prefix] : [],
    );
  }

  async backendToolParameters(): Promise<ReadonlyMap<string, Record<string, unknown>>> {
    const { tools } = await this.loader.get();
    return new Map(Object.values(tools).map((tool) => [tool.name, tool.parameters]));
  }

  async describe(): Promise<AgentCatalogDescription> {
    const config = await this.loader.get();
    return {
      default_workflow: config.default_workflow,
      workflows: Object.values(config.workflows).map((workflow) => ({
        name: workflow.name,
        ...(workflow.description ? { description: workflow.description } : {}),
        process: workflow.process,
        inputs: config.workflow_inputs[workflow.name] ?? [],
        stages: workflow.stages.map(({ name, agent, task, output }) => {
          const taskConfig = config.tasks[task];
          return {
            name,
            agent,
            task,
            output,
            human_input: taskConfig?.human_input ?? false,
            ...(taskConfig?.output ? { output_schema: taskConfig.output.schema } : {}),
          };
        }),
      })),
      agents: Object.values(config.agents).map((agent) => ({
        agent_type: agent.agent_type,
        name: agent.name,
        role: agent.role,
        goal: agent.goal,
        model: agent.llm.model_code ?? this.defaultModelCode,
        tools: agent.tools,
      })),
      tools: Object.values(config.tools).map((tool) => ({
        name: tool.name,
        description: tool.description,
        requires_approval: tool.requires_approval,
        parameters: tool.parameters,
      })),
    };
  }
}
