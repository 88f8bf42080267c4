import { Counter, Histogram, type Registry } from "prom-client";
import type { ToolCallMetrics } from "./tool-call-metrics.js";

/**
 * `agent_runtime_tool_calls_total{tool,kind,outcome}`,
 * `agent_runtime_tool_call_failures_total{tool,kind,reason}` and
 * `agent_runtime_tool_call_duration_seconds{tool,kind}` on `registry`.
 */
export function prometheusToolCallMetrics(registry: Registry): ToolCallMetrics {
  const registers = [registry];
  const calls = new Counter({
    name: "agent_runtime_tool_calls_total",
    help: "Backend tool calls by tool, source kind and outcome (ok, error, timeout, cancelled)",
    labelNames: ["tool", "kind", "outcome"],
    registers,
  });
  const failures = new Counter({
    name: "agent_runtime_tool_call_failures_total",
    help: "Backend tool calls that did not return a result, by reason",
    labelNames: ["tool", "kind", "reason"],
    registers,
  });
  const duration = new Histogram({
    name: "agent_runtime_tool_call_duration_seconds",
    help: "Backend tool call duration, handler start to result",
    labelNames: ["tool", "kind"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers,
  });
  return {
    recordToolCall({ tool, kind, outcome, seconds }) {
      calls.inc({ tool, kind, outcome });
      if (outcome !== "ok") failures.inc({ tool, kind, reason: outcome });
      duration.observe({ tool, kind }, seconds);
    },
  };
}
