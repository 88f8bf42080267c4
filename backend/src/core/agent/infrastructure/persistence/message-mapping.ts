import type { ChatMessage, ChatToolCall } from "../../application/ports/chat-message.js";
import type { NewChatMessage } from "../../application/ports/run-store.js";
import type { MessageRow, NewMessage } from "./drizzle-message-repository.js";

/** Plain text of a multimodal user message (its text parts joined), for search and prompts. */
function textOf(parts: readonly unknown[]): string {
  return parts
    .map((part) =>
      typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text"
        ? String((part as { text?: unknown }).text ?? "")
        : "",
    )
    .filter(Boolean)
    .join("\n");
}

export function toMessageRow(message: NewChatMessage): NewMessage {
  const stage = message.stage ?? null;
  switch (message.role) {
    case "user":
      return typeof message.content === "string"
        ? { id: message.id, role: "user", content: message.content, stage }
        : {
            id: message.id,
            role: "user",
            content: textOf(message.content),
            contentParts: message.content,
            stage,
          };
    case "system":
      return { id: message.id, role: "system", content: message.content, stage };
    case "assistant":
      return {
        id: message.id,
        role: "assistant",
        content: message.content ?? null,
        toolCalls: message.toolCalls && message.toolCalls.length > 0 ? message.toolCalls : null,
        stage,
      };
    case "tool":
      return {
        id: message.id,
        role: "tool",
        content: message.content,
        toolCallId: message.toolCallId,
        error: message.error ?? null,
        stage,
      };
  }
}

/** AG-UI shape of a stored message; optional fields are omitted, never null. */
export function toChatMessage(row: MessageRow): ChatMessage {
  switch (row.role) {
    case "user":
      return { id: row.id, role: "user", content: row.contentParts ?? row.content ?? "" };
    case "system":
      return { id: row.id, role: "system", content: row.content ?? "" };
    case "tool":
      return {
        id: row.id,
        role: "tool",
        content: row.content ?? "",
        toolCallId: row.toolCallId ?? "",
        ...(row.error === null ? {} : { error: row.error }),
      };
    default:
      return {
        id: row.id,
        role: "assistant",
        ...(row.content === null ? {} : { content: row.content }),
        ...(row.toolCalls ? { toolCalls: row.toolCalls as ChatToolCall[] } : {}),
      };
  }
}
