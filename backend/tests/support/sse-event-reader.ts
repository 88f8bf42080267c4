/** One SSE frame: the `id:` line (absent when the server sent none) and the joined `data:` lines. */
export interface SseFrame {
  id: string | undefined;
  data: string;
}

/** The AG-UI event type of a frame's data (frames we send are always JSON objects with `type`). */
export function frameType(frame: SseFrame): string {
  return (JSON.parse(frame.data) as { type: string }).type;
}

export function isTerminalFrame(frame: SseFrame): boolean {
  const type = frameType(frame);
  return type === "RUN_FINISHED" || type === "RUN_ERROR";
}

/**
 * Parses an SSE body frame by frame (LF or CRLF framing); comment lines (`: ping`) and frames
 * without data are skipped. Ends when the body ends.
 */
export async function* readSseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
      let boundary = buffer.indexOf("\n\n");
      while (boundary >= 0) {
        const frame = parseFrame(buffer.slice(0, boundary));
        buffer = buffer.slice(boundary + 2);
        if (frame) yield frame;
        boundary = buffer.indexOf("\n\n");
      }
    }
    const last = parseFrame(buffer);
    if (last) yield last;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function parseFrame(text: string): SseFrame | undefined {
  let id: string | undefined;
  const data: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith(":") || line.length === 0) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") id = value;
    else if (field === "data") data.push(value);
  }
  return data.length > 0 ? { id, data: data.join("\n") } : undefined;
}

/**
 * Reads a run's SSE response: every frame until the terminal event (or the end of the body),
 * or only up to the `limit`-th frame or the first frame `stopAt` accepts, after which the
 * connection is dropped (a client that goes away mid-run). `ended` says whether a terminal
 * event was read.
 */
export async function readRunFrames({
  response,
  limit = Number.POSITIVE_INFINITY,
  stopAt,
  abort,
}: {
  response: Response;
  limit?: number;
  stopAt?: (frame: SseFrame) => boolean;
  /** Aborts the request (drops the TCP connection) once `limit` frames are read. */
  abort?: AbortController;
}): Promise<{ frames: SseFrame[]; ended: boolean }> {
  if (!response.body) throw new Error(`response ${response.status} has no body`);
  const frames: SseFrame[] = [];
  let ended = false;
  for await (const frame of readSseFrames(response.body)) {
    frames.push(frame);
    if (isTerminalFrame(frame)) {
      ended = true;
      break;
    }
    if (frames.length >= limit || stopAt?.(frame)) break;
  }
  abort?.abort();
  return { frames, ended };
}
