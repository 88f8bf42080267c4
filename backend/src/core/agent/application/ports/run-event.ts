import type { Interrupt, TokenUsage } from "@ag-ui/core";
import type { JsonPatchOperation } from "../../domain/agent-state.js";
import type { RunErrorCode } from "../../domain/errors.js";
import type { ChatMessage } from "./chat-message.js";

/**
 * What a run reports while it executes. Names are ours (noun-verb); only
 * `infrastructure/agui` turns them into AG-UI events.
 */
export type CrewEvent =
  | { type: "stage-start"; stage: string }
  | { type: "stage-end"; stage: string }
  | { type: "text-start"; messageId: string }
  | { type: "text-delta"; messageId: string; delta: string }
  | { type: "text-end"; messageId: string }
  | { type: "tool-call-start"; toolCallId: string; toolName: string; parentMessageId: string }
  | { type: "tool-call-delta"; toolCallId: string; delta: string }
  | { type: "tool-call-end"; toolCallId: string }
  | { type: "tool-result"; toolCallId: string; messageId: string; content: string }
  /** The whole AG-UI shared state (after a client merge, a crash, or a rejected prediction). */
  | { type: "state-snapshot"; state: Record<string, unknown> }
  /** A change of the shared state as RFC 6902 operations. */
  | { type: "state-delta"; operations: readonly JsonPatchOperation[] }
  /** Which state keys a tool's streaming arguments are about to write (CUSTOM PredictState). */
  | { type: "predict-state"; entries: { stateKey: string; tool: string; toolArgument: string }[] }
  /** An application event (AG-UI CUSTOM), e.g. `budget_warning`. */
  | { type: "custom"; name: string; value: unknown };

export type RunOutcome =
  | { type: "success"; pendingToolCallIds?: string[] }
  | { type: "interrupt"; interrupts: Interrupt[] }
  | { type: "cancelled" };

export type RunEvent =
  | CrewEvent
  | { type: "run-start"; threadId: string; runId: string; parentRunId?: string }
  | { type: "messages-snapshot"; messages: ChatMessage[] }
  | { type: "legacy-interrupt"; interrupts: Interrupt[] }
  | {
      type: "run-finish";
      threadId: string;
      runId: string;
      outcome: RunOutcome;
      usage: TokenUsage[];
    }
  | {
      type: "run-error";
      code: RunErrorCode;
      message: string;
      details?: Record<string, unknown>;
    };
