/** What the api needs to know about the configured agents, without running them. */
export interface AgentCatalog {
  defaultWorkflow(): Promise<string>;
  hasWorkflow(name: string): Promise<boolean>;
  /** Stage names of a workflow, in order. */
  workflowStages(name: string): Promise<string[]>;
  /** The `{placeholder}` inputs of each workflow, by workflow name. */
  workflowInputs(): Promise<Record<string, WorkflowInputDescription[]>>;
  /** Names of the configured backend tools (a client tool may not reuse one). */
  backendToolNames(): Promise<ReadonlySet<string>>;
  /** Prefixes under which tool sources list tools only workers know (MCP servers' `prefix`). */
  backendToolPrefixes(): Promise<readonly string[]>;
  /** The configured backend tools' argument schemas (`parameters`), by tool name. */
  backendToolParameters(): Promise<ReadonlyMap<string, Record<string, unknown>>>;
  /** A public description of the workflows, agents and tools: no secrets, no prompts' internals. */
  describe(): Promise<AgentCatalogDescription>;
}

/** An input a client can fill (`forwardedProps.inputs`), so it can build a form. */
export interface WorkflowInputDescription {
  name: string;
  /** No default and not built in: a run without it is refused (INPUT_MISSING). */
  required: boolean;
  default?: string;
  /** What the runtime fills it with when nothing else does (e.g. the current year). */
  builtin?: string;
}

export interface AgentCatalogDescription {
  default_workflow: string;
  workflows: {
    name: string;
    description?: string;
    process: "sequential";
    inputs: WorkflowInputDescription[];
    stages: {
      name: string;
      agent: string;
      task: string;
      output: "chat" | "context";
      /** The run pauses after this stage for a person's review (an AG-UI interrupt). */
      human_input: boolean;
      /** The JSON Schema the stage's answer follows, when it has one. */
      output_schema?: Record<string, unknown>;
    }[];
  }[];
  agents: {
    agent_type: string;
    name: string;
    role: string;
    goal: string;
    model: string;
    tools: string[];
  }[];
  tools: {
    name: string;
    description: string;
    requires_approval: boolean;
    parameters: Record<string, unknown>;
  }[];
}
