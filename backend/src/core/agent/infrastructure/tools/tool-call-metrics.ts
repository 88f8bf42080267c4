import type { ToolSourceKind } from "../config/runtime-config.js";

export type ToolCallOutcome = "ok" | "error" | "timeout" | "cancelled";

/** Per-tool call counts, failures and latency (Prometheus on the worker). */
export interface ToolCallMetrics {
  recordToolCall(call: {
    tool: string;
    kind: ToolSourceKind;
    outcome: ToolCallOutcome;
    seconds: number;
  }): void;
}
