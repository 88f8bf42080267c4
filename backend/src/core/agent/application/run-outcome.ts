import type { TokenUsage } from "@ag-ui/core";
import { interruptsForPendingCalls } from "../domain/agui-interrupts.js";
import { isRunErrorCode, type RunErrorCode } from "../domain/errors.js";
import { proposedStateView } from "../domain/predicted-state.js";
import type { RunStatus, SessionStatus } from "../domain/run-status.js";
import type { StateSnapshot } from "../domain/state-snapshot.js";
import { isOpenToolCall } from "../domain/tool-call-status.js";
import type { ChatMessage } from "./ports/chat-message.js";
import type { RunEvent } from "./ports/run-event.js";
import type { RunStore, RunView } from "./ports/run-store.js";

/** How a run ended, and everything needed to store it and to tell the client. */
export type RunEnding =
  | { type: "completed" }
  | { type: "paused" }
  | { type: "cancelled" }
  | { type: "failed"; code: RunErrorCode; message: string; details?: Record<string, unknown> };

export function openCalls(snapshot: StateSnapshot) {
  return snapshot.pending_tool_calls.filter(isOpenToolCall);
}

export function runStatusOf(ending: RunEnding): RunStatus {
  switch (ending.type) {
    case "completed":
      return "succeeded";
    case "paused":
      return "interrupted";
    case "cancelled":
      return "cancelled";
    case "failed":
      return "failed";
  }
}

/** The ending a run stored in Postgres: the inverse of `runStatusOf`. */
export function endingOf(run: Pick<RunView, "status" | "errorCode" | "errorMessage">): RunEnding {
  switch (run.status) {
    case "succeeded":
      return { type: "completed" };
    case "interrupted":
      return { type: "paused" };
    case "cancelled":
      return { type: "cancelled" };
    default:
      return {
        type: "failed",
        code: isRunErrorCode(run.errorCode) ? run.errorCode : "INTERNAL",
        message: run.errorMessage ?? "The run failed",
      };
  }
}

/** The session's whole history, read only when `terminalEvents` needs it. */
export function fullHistory(
  store: Pick<RunStore, "history">,
  sessionId: string,
): () => Promise<ChatMessage[]> {
  return () => store.history({ sessionId, limit: Number.MAX_SAFE_INTEGER });
}

/** A session waits for answers while calls are open, whatever happened to the run. */
export function sessionStatusOf(ending: RunEnding, snapshot: StateSnapshot): SessionStatus {
  if (openCalls(snapshot).length > 0) return "interrupted";
  return ending.type === "failed" ? "failed" : "idle";
}

/**
 * The events that end a run (ARCHITECTURE.md §4.2): a pause on approvals sends the state and
 * the full history before the interrupt outcome; a pause on frontend tools only lists them.
 */
export function terminalEvents({
  ending,
  threadId,
  runId,
  snapshot,
  usage,
  messages,
  legacyInterruptEvent,
}: {
  ending: RunEnding;
  threadId: string;
  runId: string;
  snapshot: StateSnapshot;
  usage: TokenUsage[];
  /** The full history; only read when the run pauses on an approval. */
  messages: () => Promise<ChatMessage[]>;
  legacyInterruptEvent: boolean;
}): Promise<RunEvent[]> | RunEvent[] {
  switch (ending.type) {
    case "failed":
      return [
        {
          type: "run-error",
          code: ending.code,
          message: ending.message,
          ...(ending.details ? { details: ending.details } : {}),
        },
      ];
    case "cancelled":
      return [{ type: "run-finish", threadId, runId, outcome: { type: "cancelled" }, usage }];
    case "completed":
      return [{ type: "run-finish", threadId, runId, outcome: { type: "success" }, usage }];
    case "paused":
      return pausedEvents({ threadId, runId, snapshot, usage, messages, legacyInterruptEvent });
  }
}

async function pausedEvents({
  threadId,
  runId,
  snapshot,
  usage,
  messages,
  legacyInterruptEvent,
}: {
  threadId: string;
  runId: string;
  snapshot: StateSnapshot;
  usage: TokenUsage[];
  messages: () => Promise<ChatMessage[]>;
  legacyInterruptEvent: boolean;
}): Promise<RunEvent[]> {
  const interrupts = interruptsForPendingCalls(snapshot.pending_tool_calls);
  if (interrupts.length === 0) {
    const pendingToolCallIds = openCalls(snapshot).map((call) => call.tool_call_id);
    return [
      {
        type: "run-finish",
        threadId,
        runId,
        outcome: { type: "success", pendingToolCallIds },
        usage,
      },
    ];
  }
  return [
    // A proposal waiting for its confirmation stays visible while the user decides.
    { type: "state-snapshot", state: proposedStateView(snapshot) },
    { type: "messages-snapshot", messages: await messages() },
    ...(legacyInterruptEvent ? [{ type: "legacy-interrupt" as const, interrupts }] : []),
    { type: "run-finish", threadId, runId, outcome: { type: "interrupt", interrupts }, usage },
  ];
}
