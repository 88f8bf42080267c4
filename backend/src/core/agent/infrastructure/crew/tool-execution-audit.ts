import type { AuditRecord } from "../../application/ports/run-store.js";
import type { CrewRunState } from "./crew-context.js";
import type { ToolExecution } from "./tool-executor.js";

const ACTIONS: Readonly<Record<ToolExecution["outcome"], string>> = {
  succeeded: "tool_call.executed",
  failed: "tool_call.executed",
  arguments_refused: "tool_call.arguments_refused",
  outcome_unknown: "tool_call.outcome_unknown",
};

/**
 * The audit row of one backend tool execution (actor `system`: the server ran it), written in
 * the same transaction as the call's tool message, so there is exactly one per call even when
 * a crash made a later attempt finish the call.
 */
export function toolExecutionAudit({
  state,
  toolName,
  toolCallId,
  execution,
  now,
}: {
  state: CrewRunState;
  toolName: string;
  toolCallId: string;
  execution: ToolExecution;
  now: Date;
}): AuditRecord {
  return {
    actor: "system",
    action: ACTIONS[execution.outcome],
    sessionId: state.input.sessionId,
    runId: state.input.runId,
    toolCallId,
    payload: {
      tool_name: toolName,
      outcome: execution.outcome,
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.replayed ? { replayed_from_ledger: true } : {}),
      ...(execution.attempts === undefined ? {} : { attempts: execution.attempts }),
    },
    occurredAt: now,
  };
}
