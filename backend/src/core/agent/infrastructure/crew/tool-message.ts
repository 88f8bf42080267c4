import type { ChatMessage } from "../../application/ports/chat-message.js";
import type { CrewEvent } from "../../application/ports/run-event.js";

export type ToolMessage = Extract<ChatMessage, { role: "tool" }>;

/** The tool message answering a call; `error` is kept only when the call failed. */
export function toolMessage(input: {
  id: string;
  toolCallId: string;
  content: string;
  error?: string | undefined;
}): ToolMessage {
  return {
    id: input.id,
    role: "tool",
    toolCallId: input.toolCallId,
    content: input.content,
    ...(input.error === undefined ? {} : { error: input.error }),
  };
}

/** Reports a tool message to the client as the result of its call (TOOL_CALL_RESULT). */
export function emitToolResult(emit: (event: CrewEvent) => void, message: ToolMessage): void {
  emit({
    type: "tool-result",
    toolCallId: message.toolCallId,
    messageId: message.id,
    content: message.content,
  });
}
