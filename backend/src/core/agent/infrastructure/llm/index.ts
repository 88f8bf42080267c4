export {
  type CallUsage,
  type UsageSnapshot,
  UsageTracker,
} from "../../application/usage-tracker.js";
export { callSettings, type LlmCallSettings } from "./call-settings.js";
export { AUTO_MODEL_CODE, defaultModelCodeFor } from "./default-model-code.js";
export { DEMO_MODEL_ID, DemoLanguageModel } from "./demo-language-model.js";
export { type DemoReply, planDemoReply } from "./demo-reply.js";
export { decimalFromNumber } from "./exact-decimal.js";
export type {
  CostSource,
  LlmCallContext,
  LlmCallRecord,
  LlmCallRecorder,
  LlmCallStatus,
} from "./llm-call-record.js";
export {
  createLlmGateway,
  type GatewayLogger,
  type LlmGateway,
  type LlmGatewayDependencies,
} from "./llm-gateway.js";
export { createMeteringMiddleware, type MeteringMiddlewareInit } from "./metering-middleware.js";
export { BUILT_IN_MODELS, DEMO_MODEL_CODE, type ResolvedModel } from "./model-catalogue.js";
export {
  type CallPrice,
  type CallTokens,
  LITELLM_COST_HEADER,
  overrideCost,
  priceCall,
} from "./pricing.js";
export { describeLlmError, type LlmErrorOrigin, translateLlmError } from "./translate-llm-error.js";
