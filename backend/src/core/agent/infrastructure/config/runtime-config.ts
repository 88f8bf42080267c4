import type { AgentBudget } from "../../domain/budget.js";

/** LLM settings of an agent; unknown keys (e.g. a CrewAI `model` string) are kept as they are. */
export interface LlmSettings {
  model_code?: string;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  [extra: string]: unknown;
}

export type AgentSource =
  | { file: string; key: string }
  | { table: "system_agents"; id: string; version: number };

export interface AgentConfig {
  agent_type: string;
  name: string;
  role: string;
  goal: string;
  backstory: string;
  llm: LlmSettings;
  tools: string[];
  /** @defaultValue 10 */
  max_iter: number;
  allow_delegation: boolean;
  /** Session and run limits of this agent's model calls (over the settings defaults). */
  budget?: AgentBudget;
  /** Fields this runtime does not use (CrewAI's `verbose`, `memory`…), kept verbatim. */
  extra: Record<string, unknown>;
  source: AgentSource;
}

/** The JSON Schema a task's answer must satisfy (CrewAI's `output_json` / `output_pydantic`). */
export interface TaskOutputSchema {
  /** The field it was given in, for messages. */
  field: "output_json" | "output_pydantic";
  schema: Record<string, unknown>;
}

export interface TaskConfig {
  name: string;
  description: string;
  expected_output: string;
  /**
   * The agent from `agent:`, or inferred (the only agent, or the agent at the task's position
   * when there are as many agents as tasks); absent when neither applies, and then a stage
   * that runs the task must name one.
   */
  agent?: string;
  /**
   * Earlier tasks whose outputs feed this one. Absent: every earlier stage's output (CrewAI's
   * default); `[]`: none.
   */
  context?: string[];
  output?: TaskOutputSchema;
  /** Pause for a person's review of the answer before the next stage (an AG-UI interrupt). */
  human_input: boolean;
  /** Ask for a Markdown answer (CrewAI's `markdown: true`). */
  markdown: boolean;
  extra: Record<string, unknown>;
}

/** `chat`: streamed to the user and persisted. `context`: only feeds later stages. */
export type StageOutput = "chat" | "context";

export interface StageConfig {
  name: string;
  agent: string;
  task: string;
  output: StageOutput;
}

export interface WorkflowConfig {
  name: string;
  description?: string;
  process: "sequential";
  stages: StageConfig[];
  /** Default values of `{placeholder}` inputs (workflow.yaml `inputs`, crew.jsonc `inputs`). */
  inputs: Record<string, string>;
}

/** A `{placeholder}` a workflow's agents and tasks use that the caller may (or must) fill. */
export interface WorkflowInput {
  name: string;
  /** True when nothing but the caller can fill it: no default, not built in. */
  required: boolean;
  /** The workflow's default value. */
  default?: string;
  /** Filled by the runtime when the caller does not: what with (`current_year`…). */
  builtin?: string;
}

/** An ask-the-user tool: a call pauses the run with this AG-UI interrupt. */
export interface ToolInterruptConfig {
  /** AG-UI `Interrupt.reason`. @defaultValue "input_required" */
  reason: string;
  message: string;
  /** JSON Schema of the answer; the answer becomes the call's result. */
  response_schema?: Record<string, unknown>;
  /** How long the question stays open (default: settings runtime.approval_ttl_seconds). */
  ttl_seconds?: number;
}

/** Predictive state: a streamed argument (dotted path) that writes a top-level state key. */
export interface PredictStateConfig {
  state_key: string;
  tool_argument: string;
}

export interface ToolConfig {
  name: string;
  description: string;
  /** A JSON Schema object (`type: "object"`). */
  parameters: Record<string, unknown>;
  requires_approval: boolean;
  approval_ttl_seconds?: number;
  handler: string;
  side_effects: boolean;
  /** Ask-the-user tool: the human's answer is the result; `handler` never runs. */
  interrupt?: ToolInterruptConfig;
  /** The call's arguments write these state keys while they stream. */
  predict_state?: PredictStateConfig[];
}

export const MODEL_PROVIDERS = [
  "deepseek",
  "openai",
  "anthropic",
  "openai-compatible",
  "demo",
] as const;

export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

/** USD per million tokens, as exact decimal strings. */
export interface PriceOverride {
  input_mtok: string;
  output_mtok: string;
  cache_read_mtok?: string;
  cache_write_mtok?: string;
}

export interface ModelConfig {
  code: string;
  provider: ModelProvider;
  /** Provider model id; absent for `openai-compatible` (taken from settings) and `demo`. */
  model?: string;
  price_override?: PriceOverride;
}

/** The five YAML files, parsed and checked, before the `system_agents` rows are merged in. */
export interface StaticCrewConfig {
  agents: Record<string, AgentConfig>;
  tasks: Record<string, TaskConfig>;
  workflows: Record<string, WorkflowConfig>;
  default_workflow: string;
  tools: Record<string, ToolConfig>;
  models: Record<string, ModelConfig>;
  warnings: string[];
}

export interface RuntimeConfig {
  agents: Record<string, AgentConfig>;
  tasks: Record<string, TaskConfig>;
  tools: Record<string, ToolConfig>;
  workflows: Record<string, WorkflowConfig>;
  default_workflow: string;
  /** Stage names of the default workflow, in order. */
  workflow_stages: string[];
  /** Each workflow's inputs (its `{placeholder}`s), by workflow name. */
  workflow_inputs: Record<string, WorkflowInput[]>;
  models: Record<string, ModelConfig>;
  warnings: string[];
}

/** A `system_agents` row as the resolver needs it. */
export interface SystemAgentRow {
  id: string;
  agent_type: string;
  name: string | null;
  version: number;
  enabled: boolean;
  llm: Record<string, unknown> | null;
  role: string | null;
  goal: string | null;
  backstory: string | null;
  tools: string[] | null;
  max_iter: number | null;
  config: Record<string, unknown> | null;
  updated_at: Date;
}
