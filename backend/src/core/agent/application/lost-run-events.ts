import type { ChatMessage } from "./ports/chat-message.js";
import type { CrewEvent } from "./ports/run-event.js";
import type { StoredRunEvent } from "./ports/run-event-stream.js";

/**
 * What a crashed attempt committed to Postgres but never got onto the run's event stream (it
 * died between a checkpoint and the publish of its events): the events to emit again so the
 * stream tells what the history holds. A retried attempt skips work that is already committed
 * (a tool call with its tool message is never run again), so without these its client would
 * keep a call without a result, or miss a message, that the thread's history has.
 *
 * `committed` is what the run stored, in order; the client's own messages (`clientMessageIds`:
 * its turn, its frontend tool results) were never streamed back and are left out. An assistant
 * message whose text never started is sent whole; tool calls that never started are sent
 * whole; a tool message whose TOOL_CALL_RESULT is missing is sent as one.
 */
export function eventsLostInCrash({
  stored,
  committed,
  clientMessageIds,
}: {
  stored: readonly StoredRunEvent[];
  committed: readonly ChatMessage[];
  clientMessageIds: ReadonlySet<string>;
}): CrewEvent[] {
  const textStarted = new Set<string>();
  const callStarted = new Set<string>();
  const resultSent = new Set<string>();
  for (const event of stored) {
    const parsed = parseEvent(event.data);
    if (parsed.type === "TEXT_MESSAGE_START" && parsed.messageId) textStarted.add(parsed.messageId);
    if (parsed.type === "TOOL_CALL_START" && parsed.toolCallId) callStarted.add(parsed.toolCallId);
    if (parsed.type === "TOOL_CALL_RESULT" && parsed.toolCallId) resultSent.add(parsed.toolCallId);
  }
  const lost: CrewEvent[] = [];
  for (const message of committed) {
    if (clientMessageIds.has(message.id)) continue;
    if (message.role === "assistant") {
      const text = message.content ?? "";
      if (text.length > 0 && !textStarted.has(message.id)) {
        lost.push(
          { type: "text-start", messageId: message.id },
          { type: "text-delta", messageId: message.id, delta: text },
          { type: "text-end", messageId: message.id },
        );
      }
      for (const call of message.toolCalls ?? []) {
        if (callStarted.has(call.id)) continue;
        lost.push(
          {
            type: "tool-call-start",
            toolCallId: call.id,
            toolName: call.function.name,
            parentMessageId: message.id,
          },
          { type: "tool-call-delta", toolCallId: call.id, delta: call.function.arguments },
          { type: "tool-call-end", toolCallId: call.id },
        );
      }
    } else if (message.role === "tool" && !resultSent.has(message.toolCallId)) {
      lost.push({
        type: "tool-result",
        toolCallId: message.toolCallId,
        messageId: message.id,
        content: message.content,
      });
    }
  }
  return lost;
}

function parseEvent(data: string): { type?: string; messageId?: string; toolCallId?: string } {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
