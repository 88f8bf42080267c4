import { EventType } from "@ag-ui/core";
import type { CrewEvent } from "../../application/ports/run-event.js";

interface StoredEventShape {
  type?: string;
  messageId?: string;
  toolCallId?: string;
  stepName?: string;
}

/**
 * Follows a run's stored AG-UI events and tells what a crashed attempt left open, as the
 * internal events that close it (in the order AG-UI requires: calls and messages before
 * the step that holds them).
 */
export class OpenEventTracker {
  private readonly messages = new Set<string>();
  private readonly toolCalls = new Set<string>();
  private readonly steps = new Set<string>();

  observe(data: string): void {
    const event = JSON.parse(data) as StoredEventShape;
    switch (event.type) {
      case EventType.TEXT_MESSAGE_START:
        if (event.messageId) this.messages.add(event.messageId);
        break;
      case EventType.TEXT_MESSAGE_END:
        if (event.messageId) this.messages.delete(event.messageId);
        break;
      case EventType.TOOL_CALL_START:
        if (event.toolCallId) this.toolCalls.add(event.toolCallId);
        break;
      case EventType.TOOL_CALL_END:
        if (event.toolCallId) this.toolCalls.delete(event.toolCallId);
        break;
      case EventType.STEP_STARTED:
        if (event.stepName) this.steps.add(event.stepName);
        break;
      case EventType.STEP_FINISHED:
        if (event.stepName) this.steps.delete(event.stepName);
        break;
      default:
        break;
    }
  }

  closingEvents(): CrewEvent[] {
    return [
      ...[...this.messages].map((messageId): CrewEvent => ({ type: "text-end", messageId })),
      ...[...this.toolCalls].map(
        (toolCallId): CrewEvent => ({ type: "tool-call-end", toolCallId }),
      ),
      ...[...this.steps].map((stage): CrewEvent => ({ type: "stage-end", stage })),
    ];
  }
}
