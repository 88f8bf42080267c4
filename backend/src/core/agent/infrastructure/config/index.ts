export {
  ConfigError,
  type ConfigProblem,
  describeConfigProblem,
  SYSTEM_AGENTS_TABLE,
} from "./config-error.js";
export { interpolate } from "./interpolate.js";
export { readStaticCrewConfig } from "./read-static-crew-config.js";
export { resolveAgentRuntimeConfig } from "./resolver.js";
export type {
  AgentConfig,
  AgentSource,
  LlmSettings,
  ModelConfig,
  ModelProvider,
  PriceOverride,
  RuntimeConfig,
  StageConfig,
  StageOutput,
  StaticCrewConfig,
  SystemAgentRow,
  TaskConfig,
  ToolConfig,
  WorkflowConfig,
} from "./runtime-config.js";
export { MODEL_PROVIDERS } from "./runtime-config.js";
export {
  createRuntimeConfigLoader,
  type RuntimeConfigLoader,
  type RuntimeConfigLogger,
} from "./runtime-config-loader.js";
export { defaultStaticConfigDirectory } from "./static-config-directory.js";
