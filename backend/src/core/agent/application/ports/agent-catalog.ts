/** What the api needs to know about the configured agents, without running them. */
export interface AgentCatalog {
  defaultWorkflow(): Promise<string>;
  hasWorkflow(name: string): Promise<boolean>;
  /** Stage names of a workflow, in order. */
  workflowStages(name: string): Promise<string[]>;
  /** Names of the configured backend tools (a client tool may not reuse one). */
  backendToolNames(): Promise<ReadonlySet<string>>;
  /** A public description of the workflows, agents and tools: no secrets, no prompts' internals. */
  describe(): Promise<AgentCatalogDescription>;
}

export interface AgentCatalogDescription {
  default_workflow: string;
  workflows: {
    name: string;
    description?: string;
    stages: { name: string; agent: string; task: string; output: "chat" | "context" }[];
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
