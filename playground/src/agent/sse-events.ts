import type { BaseEvent } from "@ag-ui/client";
import { Observable } from "rxjs";

/** An AG-UI event with the SSE `id:` it came with (the server's stream position). */
export interface PositionedEvent {
  event: BaseEvent;
  id: string | undefined;
}

/**
 * Reads an SSE response into events, keeping each frame's `id:`. @ag-ui/client's own parser
 * drops ids (its protocol does not use them), but resuming after a page reload needs the
 * position of the last event applied, to send as `Last-Event-ID`.
 */
export function sseEvents(response: Response): Observable<PositionedEvent> {
  return new Observable<PositionedEvent>((subscriber) => {
    const body = response.body;
    if (!body) {
      subscriber.error(new Error("the response has no body"));
      return;
    }
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let stopped = false;
    const emitFrame = (frame: string) => {
      let id: string | undefined;
      const data: string[] = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("id:")) id = line.slice(3).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) subscriber.next({ event: JSON.parse(data.join("\n")) as BaseEvent, id });
    };
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const frames = buffer.split("\n\n");
          buffer = frames.pop() ?? "";
          for (const frame of frames) emitFrame(frame);
        }
        if (buffer.trim()) emitFrame(buffer);
        subscriber.complete();
      } catch (error) {
        if (!stopped) subscriber.error(error);
      }
    })();
    return () => {
      stopped = true;
      void reader.cancel().catch(() => {});
    };
  });
}

/** What a refused request answered: `{ error: { code, message } }` from the api. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  static async from(response: Response): Promise<ApiError> {
    const text = await response.text();
    try {
      const body = JSON.parse(text) as {
        error?: { code?: string; message?: string; details?: unknown };
      };
      return new ApiError(
        response.status,
        body.error?.code ?? `HTTP_${response.status}`,
        body.error?.message ?? text,
        body.error?.details,
      );
    } catch {
      return new ApiError(response.status, `HTTP_${response.status}`, text || response.statusText);
    }
  }
}
