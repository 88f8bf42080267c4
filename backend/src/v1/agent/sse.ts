import { once } from "node:events";
import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import Negotiator from "negotiator";
import type { StoredRunEvent } from "../../core/agent/application/ports/run-event-stream.js";
import { RequestError } from "../../core/agent/domain/errors.js";
import { fieldDetails } from "../error-response.js";
import { type AgUiDialect, eventForDialect } from "./agui-dialect.js";

/**
 * Writes a run's events as SSE (LF framing, `id:` = stream entry id, `: ping` heartbeats)
 * until the terminal event, or until the client goes away; a disconnect never stops the run.
 * A client that stops reading is let go once a write has waited `stallTimeoutMs` (it can come
 * back with `Last-Event-ID`): a stalled reader never holds a socket and a follower for good.
 */
export async function streamRunEvents({
  request,
  reply,
  status,
  stallTimeoutMs,
  first,
  ready,
  open,
  dialect = "1.0",
}: {
  request: FastifyRequest;
  reply: FastifyReply;
  status: number;
  stallTimeoutMs: number;
  /** The AG-UI dialect the follower speaks (the stored events are 1.0). */
  dialect?: AgUiDialect;
  /** An event to send at once, before the stream is read (a new run's RUN_STARTED). */
  first?: StoredRunEvent;
  /** Reading the stream waits for this; if it rejects, the response ends. */
  ready?: Promise<void>;
  open: (input: { signal: AbortSignal; onIdle: () => void }) => AsyncIterable<StoredRunEvent[]>;
}): Promise<void> {
  const disconnected = new AbortController();
  const response = reply.raw;
  response.on("close", () => disconnected.abort());
  reply.hijack();
  response.writeHead(status, {
    // Headers hooks set on the reply (CORS) are not sent by a hijacked reply on their own.
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  response.flushHeaders();
  const write = async (chunk: string) => {
    if (response.write(chunk) || disconnected.signal.aborted) return;
    const stalled = AbortSignal.timeout(stallTimeoutMs);
    // `once` removes its listeners however it settles. It rejects on a disconnect, a stall
    // (AbortError) or a socket error; the heartbeat's `void write()` must never reject.
    await once(response, "drain", {
      signal: AbortSignal.any([disconnected.signal, stalled]),
    }).catch(() => {});
    if (stalled.aborted && !disconnected.signal.aborted) response.destroy();
  };
  try {
    if (first) await write(frame(first, dialect));
    if (ready) await ready;
    const events = open({ signal: disconnected.signal, onIdle: () => void write(": ping\n\n") });
    // One write per batch: a syscall per event would cost more than the events themselves.
    for await (const batch of events) {
      let frames = "";
      for (const event of batch) frames += frame(event, dialect);
      await write(frames);
    }
  } catch (error) {
    if (!disconnected.signal.aborted) request.log.error({ err: error }, "event stream failed");
  } finally {
    response.end();
  }
}

/**
 * One SSE frame: the event's stream position as `id:`, its JSON in `dialect` as `data:`
 * (nothing for an event the dialect does not have).
 */
function frame(event: StoredRunEvent, dialect: AgUiDialect): string {
  const data = eventForDialect(event.data, dialect);
  return data === undefined ? "" : `id: ${event.id}\ndata: ${data}\n\n`;
}

const EVENT_STREAM = "text/event-stream";

/**
 * Whether a route that can answer JSON or SSE should stream: only when the Accept header names
 * `text/event-stream` with q > 0 and ranks it at least as high as JSON. A wildcard (`*\/*`)
 * gets JSON, and `text/event-stream;q=0` never gets a stream.
 */
export function wantsEventStream(request: FastifyRequest): boolean {
  const negotiator = new Negotiator(request.raw);
  // On a tie the first of the offered types wins: an explicit stream request beats JSON.
  if (negotiator.mediaType([EVENT_STREAM, "application/json"]) !== EVENT_STREAM) return false;
  return negotiator.mediaTypes().some((type) => type.toLowerCase() === EVENT_STREAM);
}

/** For routes that only stream: 406 unless the client accepts an event stream (no Accept: it does). */
export function assertAcceptsEventStream(request: FastifyRequest): void {
  if (new Negotiator(request.raw).mediaType([EVENT_STREAM]) === EVENT_STREAM) return;
  const message = "must accept text/event-stream";
  throw new RequestError({
    code: "NOT_ACCEPTABLE",
    message: `This route answers only text/event-stream: headers.accept ${message}`,
    details: fieldDetails([{ field: "headers.accept", message }]),
  });
}
