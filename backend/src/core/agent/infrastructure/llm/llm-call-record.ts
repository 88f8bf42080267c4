// The record and recorder types are the application's port; re-exported for this folder.
export type {
  CostSource,
  LlmCallContext,
  LlmCallRecord,
  LlmCallRecorder,
  LlmCallStatus,
} from "../../application/ports/llm-call-record.js";
