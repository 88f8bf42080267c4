import { type BaseEvent, verifyEvents } from "@ag-ui/client";
import { EventSchemas } from "@ag-ui/core/schemas";
import { from, lastValueFrom, toArray } from "rxjs";
import type { SseFrame } from "./sse-event-reader.js";

/** Every frame's data parsed with the official AG-UI schemas (throws on the first bad event). */
export function parseAgUiFrames(frames: readonly SseFrame[]): BaseEvent[] {
  return frames.map((frame, index) => {
    const parsed = EventSchemas.safeParse(JSON.parse(frame.data));
    if (!parsed.success) {
      throw new Error(`event #${index} is not a valid AG-UI event: ${frame.data}\n${parsed.error}`);
    }
    return parsed.data as BaseEvent;
  });
}

/**
 * Replays `events` through `@ag-ui/client`'s `verifyEvents` operator; rejects with its
 * protocol error (an event out of order, something left open at RUN_FINISHED…).
 */
export async function verifyAgUiEvents(events: readonly BaseEvent[]): Promise<BaseEvent[]> {
  return lastValueFrom(from(events).pipe(verifyEvents(), toArray()));
}

/** The text the client would show for `messageId` (or for all messages): the deltas joined. */
export function streamedText(events: readonly BaseEvent[], messageId?: string): string {
  return events
    .filter(
      (event): event is BaseEvent & { messageId: string; delta: string } =>
        event.type === "TEXT_MESSAGE_CONTENT" &&
        (messageId === undefined || (event as { messageId?: string }).messageId === messageId),
    )
    .map((event) => event.delta)
    .join("");
}

/** The ids of the text messages the stream opened, in order. */
export function startedMessageIds(events: readonly BaseEvent[]): string[] {
  return events
    .filter((event) => event.type === "TEXT_MESSAGE_START")
    .map((event) => String((event as { messageId?: unknown }).messageId));
}
