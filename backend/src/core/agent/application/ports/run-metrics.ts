import type { BudgetScope } from "../../domain/budget.js";
import type { RunStatus } from "../../domain/run-status.js";
import type { LlmCallRecord } from "./llm-call-record.js";

/** What the use cases report for monitoring (Prometheus in production). */
export interface RunMetrics {
  runAccepted(kind: "run" | "resume"): void;
  runEnded(status: RunStatus): void;
  llmCall(record: LlmCallRecord): void;
  /** A run was warned that a budget scope passed its soft limit. */
  budgetWarning(scope: BudgetScope): void;
  /** A budget refused a run at admission (429) or a model call (RUN_ERROR). */
  budgetRefused(input: { scope: BudgetScope; stage: "admission" | "call" }): void;
}
