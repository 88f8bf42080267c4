import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { expectErrorShape } from "../../../support/error-shape.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;
let baseUrl: string;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
  baseUrl = await runtime.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => runtime.close());

/** POSTs a new run and reports the answer's content type (an SSE body is not read). */
async function answerTypeFor(accept: string | undefined): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/agent/runs`, {
    method: "POST",
    headers: {
      ...(await authHeaders("alice")),
      "content-type": "application/json",
      ...(accept === undefined ? {} : { accept }),
    },
    body: JSON.stringify(runInput()),
    signal: controller.signal,
  });
  expect(response.status).toBe(202);
  const type = response.headers.get("content-type") ?? "";
  controller.abort();
  return type.split(";")[0] as string;
}

describe("POST /runs answers SSE only to clients that ask for it", () => {
  it.each([
    ["text/event-stream", "text/event-stream"],
    ["TEXT/EVENT-STREAM", "text/event-stream"],
    ["text/event-stream, application/json;q=0.9", "text/event-stream"],
    ["text/event-stream;q=0.5, */*;q=0.1", "text/event-stream"],
    [undefined, "application/json"],
    ["*/*", "application/json"],
    ["text/*", "application/json"],
    ["application/json", "application/json"],
    ["text/event-stream;q=0", "application/json"],
    ["text/event-stream;q=0, */*", "application/json"],
    ["application/json, text/event-stream;q=0.5", "application/json"],
    ["text/html", "application/json"],
  ])("Accept: %s → %s", async (accept, expected) => {
    expect(await answerTypeFor(accept)).toBe(expected);
  });
});

describe("GET /runs/{id}/events is SSE only", () => {
  it.each(["text/event-stream;q=0", "application/json", "text/html, application/xml"])(
    "Accept: %s → 406 NOT_ACCEPTABLE naming the header",
    async (accept) => {
      const response = await runtime.app.inject({
        method: "GET",
        url: "/api/v1/agent/runs/any-run/events",
        headers: { ...(await authHeaders("alice")), accept },
      });
      expectErrorShape(response, { status: 406, code: "NOT_ACCEPTABLE", field: "headers.accept" });
    },
  );

  it.each([undefined, "*/*", "text/event-stream"])(
    "Accept: %s is served (404: unknown run)",
    async (accept) => {
      const response = await runtime.app.inject({
        method: "GET",
        url: "/api/v1/agent/runs/any-run/events",
        headers: { ...(await authHeaders("alice")), ...(accept ? { accept } : {}) },
      });
      expectErrorShape(response, { status: 404, code: "NOT_FOUND" });
    },
  );
});
