import type { RunStatus } from "../../domain/run-status.js";
import type { LlmCallRecord } from "./llm-call-record.js";

/** What the use cases report for monitoring (Prometheus in production). */
export interface RunMetrics {
  runAccepted(kind: "run" | "resume"): void;
  runEnded(status: RunStatus): void;
  llmCall(record: LlmCallRecord): void;
}
