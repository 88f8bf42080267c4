import { type Event, EventType, type Message, PROTOCOL_VERSION } from "@ag-ui/core";
import type { RunEvent } from "../../application/ports/run-event.js";
import { assertNever } from "../../domain/assert-never.js";

/**
 * The one place where internal run events become AG-UI 1.0 events (ARCHITECTURE.md §4.2).
 * Optional fields are omitted, never null.
 */
export function toAgUiEvent(event: RunEvent): Event {
  switch (event.type) {
    case "run-start":
      return {
        type: EventType.RUN_STARTED,
        threadId: event.threadId,
        runId: event.runId,
        protocolVersion: PROTOCOL_VERSION,
        ...(event.parentRunId ? { parentRunId: event.parentRunId } : {}),
      };
    case "stage-start":
      return { type: EventType.STEP_STARTED, stepName: event.stage };
    case "stage-end":
      return { type: EventType.STEP_FINISHED, stepName: event.stage };
    case "text-start":
      return { type: EventType.TEXT_MESSAGE_START, messageId: event.messageId, role: "assistant" };
    case "text-delta":
      return {
        type: EventType.TEXT_MESSAGE_CONTENT,
        messageId: event.messageId,
        delta: event.delta,
      };
    case "text-end":
      return { type: EventType.TEXT_MESSAGE_END, messageId: event.messageId };
    case "tool-call-start":
      return {
        type: EventType.TOOL_CALL_START,
        toolCallId: event.toolCallId,
        toolCallName: event.toolName,
        parentMessageId: event.parentMessageId,
      };
    case "tool-call-delta":
      return { type: EventType.TOOL_CALL_ARGS, toolCallId: event.toolCallId, delta: event.delta };
    case "tool-call-end":
      return { type: EventType.TOOL_CALL_END, toolCallId: event.toolCallId };
    case "tool-result":
      return {
        type: EventType.TOOL_CALL_RESULT,
        messageId: event.messageId,
        toolCallId: event.toolCallId,
        content: event.content,
        role: "tool",
      };
    case "state-snapshot":
      return { type: EventType.STATE_SNAPSHOT, snapshot: event.state };
    case "state-delta":
      return { type: EventType.STATE_DELTA, delta: [...event.operations] };
    case "predict-state":
      // The LangGraph/CrewAI convention CopilotKit reads; the STATE_DELTAs that follow carry
      // the same change for every other client.
      return {
        type: EventType.CUSTOM,
        name: "PredictState",
        value: event.entries.map((entry) => ({
          state_key: entry.stateKey,
          tool: entry.tool,
          tool_argument: entry.toolArgument,
        })),
      };
    case "messages-snapshot":
      return { type: EventType.MESSAGES_SNAPSHOT, messages: event.messages as Message[] };
    case "custom":
      return { type: EventType.CUSTOM, name: event.name, value: event.value };
    case "legacy-interrupt":
      return { type: EventType.CUSTOM, name: "on_interrupt", value: event.interrupts };
    case "run-finish":
      return {
        type: EventType.RUN_FINISHED,
        threadId: event.threadId,
        runId: event.runId,
        outcome: event.outcome,
        ...(event.usage.length > 0 ? { usage: event.usage } : {}),
      };
    case "run-error":
      return { type: EventType.RUN_ERROR, code: event.code, message: event.message };
    default:
      return assertNever(event);
  }
}
