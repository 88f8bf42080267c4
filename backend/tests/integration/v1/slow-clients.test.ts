import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../support/agent-requests.js";
import { InProcessRuntime } from "../../support/in-process-runtime.js";
import { authHeaders } from "../../support/jwt.js";
import { openSocket, parseRawResponse, untilClosed } from "../../support/raw-http.js";

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;
const KEEP_ALIVE_TIMEOUT_MS = 400;
/** "Closed within the timeout" means closed well before this many timeouts: no finer timing. */
const GRACE = 5;

let runtime: InProcessRuntime;
let baseUrl: string;
let authorization: string;

beforeAll(async () => {
  runtime = await InProcessRuntime.start({
    SOCIAL_HTTP__HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    SOCIAL_HTTP__REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    SOCIAL_HTTP__KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
  baseUrl = await runtime.app.listen({ host: "127.0.0.1", port: 0 });
  authorization = (await authHeaders("alice")).authorization as string;
});
afterAll(() => runtime.close());

function expectErrorAnswer(raw: string, status: number, code: string) {
  const answer = parseRawResponse(raw);
  expect(answer.status, raw).toBe(status);
  expect(answer.headers.toLowerCase()).toContain("content-type: application/json");
  expect(answer.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe("slow and malformed clients cannot hold a socket (real connections)", () => {
  it("half the headers, then nothing: answered 408 REQUEST_TIMEOUT and closed within the headers timeout", async () => {
    const socket = await openSocket(baseUrl);
    socket.write(
      "GET /api/v1/agent/sessions HTTP/1.1\r\nHost: test\r\nAccept: application/json\r\n",
    );
    const outcome = await untilClosed(socket, GRACE * HEADERS_TIMEOUT_MS);
    expect(outcome.closed).toBe(true);
    expectErrorAnswer(outcome.received, 408, "REQUEST_TIMEOUT");
  });

  it("headers trickled one byte at a time still end at the headers timeout", async () => {
    const socket = await openSocket(baseUrl);
    const request = "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: ".padEnd(400, "x");
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < request.length) socket.write(request[sent++] as string);
    }, 20);
    const outcome = await untilClosed(socket, GRACE * HEADERS_TIMEOUT_MS);
    clearInterval(drip);
    expect(outcome.closed).toBe(true);
    expectErrorAnswer(outcome.received, 408, "REQUEST_TIMEOUT");
  });

  it("a body that stops half way: answered 408 and closed within the request timeout", async () => {
    const socket = await openSocket(baseUrl);
    socket.write(
      "POST /api/v1/agent/runs HTTP/1.1\r\nHost: test\r\n" +
        `Authorization: ${authorization}\r\n` +
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n" +
        '{"threadId": "t',
    );
    const outcome = await untilClosed(socket, GRACE * REQUEST_TIMEOUT_MS);
    expect(outcome.closed).toBe(true);
    expectErrorAnswer(outcome.received, 408, "REQUEST_TIMEOUT");
  });

  it("an idle keep-alive connection is closed after the keep-alive timeout", async () => {
    const socket = await openSocket(baseUrl);
    socket.write("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
    const outcome = await untilClosed(socket, GRACE * KEEP_ALIVE_TIMEOUT_MS);
    expect(outcome.closed).toBe(true);
    expect(parseRawResponse(outcome.received).status).toBe(200);
  });

  it("a malformed request line → 400 in the error shape, connection closed", async () => {
    const socket = await openSocket(baseUrl);
    socket.write("THIS IS NOT HTTP\r\n\r\n");
    const outcome = await untilClosed(socket, 5000);
    expect(outcome.closed).toBe(true);
    expectErrorAnswer(outcome.received, 400, "VALIDATION_ERROR");
  });

  it("headers over Node's 16 KiB limit → 431 HEADERS_TOO_LARGE in the error shape", async () => {
    const socket = await openSocket(baseUrl);
    socket.write(`GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`);
    const outcome = await untilClosed(socket, 5000);
    expect(outcome.closed).toBe(true);
    expectErrorAnswer(outcome.received, 431, "HEADERS_TOO_LARGE");
  });

  it("a URL over the header limit → 431 too, never a bare socket error", async () => {
    const socket = await openSocket(baseUrl);
    socket.write(`GET /api/v1/agent/runs/${"r".repeat(20_000)} HTTP/1.1\r\nHost: test\r\n\r\n`);
    const outcome = await untilClosed(socket, 5000);
    expectErrorAnswer(outcome.received, 431, "HEADERS_TOO_LARGE");
  });

  it("an event stream that lasts many request timeouts is not cut (the timeouts bound requests, not responses)", async () => {
    const input = runInput();
    const headers = { authorization, "content-type": "application/json" };
    const posted = await fetch(`${baseUrl}/api/v1/agent/runs`, {
      method: "POST",
      headers,
      body: JSON.stringify(input),
    });
    expect(posted.status).toBe(202);
    // No worker runs here: the run stays queued and its stream sends only heartbeats.
    const socket = await openSocket(baseUrl);
    socket.write(
      `GET /api/v1/agent/runs/${input.runId}/events HTTP/1.1\r\nHost: test\r\nAuthorization: ${authorization}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    const outcome = await untilClosed(socket, 4 * REQUEST_TIMEOUT_MS + 1200);
    expect(outcome.closed).toBe(false);
    expect(outcome.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(outcome.received).toContain("RUN_STARTED");
    expect(outcome.received).toContain(": ping");
  });
});
