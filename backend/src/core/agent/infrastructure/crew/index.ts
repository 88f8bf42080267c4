export type { CrewDependencies } from "./crew-context.js";
export {
  buildCrew,
  type Crew,
  type CrewAgent,
  type CrewStage,
  type CrewTask,
} from "./crew-factory.js";
export { CrewRuntime } from "./crew-runtime.js";
export { type FunctionTools, offeredFunctionTools } from "./function-tools.js";
export { historyToolNames, MISSING_RESULT, toModelPrompt } from "./model-prompt.js";
export { type StepResult, type StepToolCall, streamModelStep } from "./model-step.js";
export type { ToolExecutionLedger } from "./tool-execution-ledger.js";
export { ToolExecutor } from "./tool-executor.js";
