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
  /** `<source>.<name>`: the source that runs the tool (`builtin`, or one of tools.yaml `sources`) and its handler there. */
  handler: string;
  side_effects: boolean;
  /**
   * Running the call twice with the same idempotency key does no harm: an HTTP tool may retry
   * it, and the ledger may run it again when a crash left its outcome unknown. @defaultValue false
   */
  idempotent: boolean;
  /** Longest a call may take (default: the source's, then settings tools.timeout_ms). */
  timeout_ms?: number;
  /** Largest result (JSON bytes) kept; above it the result is truncated with a note. */
  max_result_bytes?: number;
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

export const TOOL_SOURCE_KINDS = ["builtin", "mcp", "http", "module"] as const;

export type ToolSourceKind = (typeof TOOL_SOURCE_KINDS)[number];

/** Call limits a source gives its tools (a tool's own value wins). */
export interface ToolLimits {
  timeout_ms?: number;
  max_result_bytes?: number;
}

/** What tools.yaml may change about one tool an MCP server lists. */
export interface McpToolOverride extends ToolLimits {
  requires_approval?: boolean;
  approval_ttl_seconds?: number;
  side_effects?: boolean;
  idempotent?: boolean;
}

export type McpTransportConfig =
  | {
      type: "stdio";
      command: string;
      args: string[];
      /** Literal (non-secret) variables; the server also gets PATH, HOME and the like. */
      env: Record<string, string>;
      /** Variable name → name of a secret in settings tools.secrets. */
      env_secrets: Record<string, string>;
      /** Absolute (a relative cwd is taken from the config directory). */
      cwd?: string;
    }
  | {
      type: "streamable_http";
      url: string;
      /** Header name → name of a secret in settings tools.secrets (never a YAML literal). */
      header_secrets: Record<string, string>;
    };

export interface McpSourceConfig extends ToolLimits {
  kind: "mcp";
  name: string;
  /** Tools appear as `<prefix>.<tool name on the server>`. @defaultValue the source name */
  prefix: string;
  transport: McpTransportConfig;
  /** Only these server tools (all when absent). */
  include?: string[];
  exclude: string[];
  /** The default for the server's tools. @defaultValue false */
  requires_approval: boolean;
  /** Overrides by the tool's name on the server. */
  tools: Record<string, McpToolOverride>;
}

export interface HttpSourceConfig extends ToolLimits {
  kind: "http";
  name: string;
  /** Base URL: a tool with handler `<source>.<name>` is POSTed to `<url>/<name>`. */
  url: string;
  /** Name of the HMAC-SHA256 signing secret in settings tools.secrets. */
  signing_secret?: string;
  /** Extra attempts after a failure, for idempotent tools only. @defaultValue 2 */
  retries: number;
}

export interface ModuleSourceConfig extends ToolLimits {
  kind: "module";
  name: string;
  /** Absolute path of the JS/TS file (given relative to the config directory). */
  path: string;
}

/** A tools.yaml `sources` entry (`builtin` is always there and is not listed). */
export type ToolSourceConfig = McpSourceConfig | HttpSourceConfig | ModuleSourceConfig;

/** The five YAML files, parsed and checked, before the `system_agents` rows are merged in. */
export interface StaticCrewConfig {
  agents: Record<string, AgentConfig>;
  tasks: Record<string, TaskConfig>;
  workflows: Record<string, WorkflowConfig>;
  default_workflow: string;
  tools: Record<string, ToolConfig>;
  tool_sources: Record<string, ToolSourceConfig>;
  models: Record<string, ModelConfig>;
  warnings: string[];
}

export interface RuntimeConfig {
  agents: Record<string, AgentConfig>;
  tasks: Record<string, TaskConfig>;
  tools: Record<string, ToolConfig>;
  tool_sources: Record<string, ToolSourceConfig>;
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
