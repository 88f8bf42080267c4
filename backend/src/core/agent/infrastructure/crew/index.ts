export { runAgentStep, type StepResult, type StepToolCall } from "./agent-step.js";
export {
  BUILTIN_TOOL_HANDLERS,
  type ToolHandler,
  type ToolHandlerInput,
} from "./builtin-tool-handlers.js";
export type { CrewDependencies } from "./crew-context.js";
export {
  buildCrew,
  type Crew,
  type CrewAgent,
  type CrewStage,
  type CrewTask,
} from "./crew-factory.js";
export { CrewRuntime } from "./crew-runtime.js";
export { MISSING_RESULT, toModelMessages } from "./model-messages.js";
export type { ToolExecutionLedger } from "./tool-execution-ledger.js";
export { ToolExecutor } from "./tool-executor.js";
