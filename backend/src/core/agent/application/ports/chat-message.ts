/**
 * A persisted conversation message in AG-UI shape: what `MESSAGES_SNAPSHOT` carries and what
 * `GET /sessions/{id}/messages` returns. Ids are the ones that were streamed.
 */
export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { id: string; role: "user"; content: string | unknown[] }
  | { id: string; role: "system"; content: string }
  | { id: string; role: "assistant"; content?: string; toolCalls?: ChatToolCall[] }
  | { id: string; role: "tool"; content: string; toolCallId: string; error?: string };
