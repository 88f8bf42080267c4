import { setTimeout as sleep } from "node:timers/promises";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamRunEvents } from "../../../src/v1/agent/sse.js";
import { openSocket } from "../../support/raw-http.js";

const STALL_TIMEOUT_MS = 300;
/** "Let go within the timeout" means well before this many timeouts: no finer timing. */
const GRACE = 10;

/** What the server saw of each stream: its response closed, its event reader stopped. */
const streams: { closed: boolean; readerStopped: boolean }[] = [];
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  app = Fastify();
  app.get("/stream", (request, reply) => {
    const seen = { closed: false, readerStopped: false };
    streams.push(seen);
    reply.raw.on("close", () => {
      seen.closed = true;
    });
    return streamRunEvents({
      request,
      reply,
      status: 200,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      // An endless run: 64 KiB of events every few milliseconds until the follower is stopped.
      open: ({ signal }) =>
        (async function* () {
          for (let index = 0; !signal.aborted; index++) {
            yield [
              {
                id: `${index}-0:0`,
                data: JSON.stringify({ type: "CUSTOM", value: "v".repeat(65_536) }),
                terminal: false,
              },
            ];
            await sleep(5);
          }
          seen.readerStopped = true;
        })(),
    });
  });
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => app.close());

async function waitFor(condition: () => boolean, deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (!condition() && Date.now() < until) await sleep(20);
  return condition();
}

describe("an SSE client that stops reading", () => {
  it("is let go within the stall timeout, and its follower stops", async () => {
    const socket = await openSocket(baseUrl);
    socket.pause(); // reads nothing, ever
    socket.write("GET /stream HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n");
    await waitFor(() => streams.length === 1, 5000);
    const stream = streams[0] as { closed: boolean; readerStopped: boolean };
    expect(
      await waitFor(() => stream.closed && stream.readerStopped, GRACE * STALL_TIMEOUT_MS + 5000),
    ).toBe(true);
    socket.destroy();
  });

  it("a client that keeps reading is never cut, however long the stream runs", async () => {
    const socket = await openSocket(baseUrl);
    let received = 0;
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.write("GET /stream HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n");
    await waitFor(() => streams.length === 2, 5000);
    await sleep(5 * STALL_TIMEOUT_MS);
    expect(streams[1]?.closed).toBe(false);
    expect(received).toBeGreaterThan(1_000_000);
    socket.destroy();
    expect(await waitFor(() => streams[1]?.readerStopped === true, 5000)).toBe(true);
  });
});
