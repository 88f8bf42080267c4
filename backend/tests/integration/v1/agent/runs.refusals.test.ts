import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { uniqueId } from "../../../support/database.js";
import { expectErrorShape } from "../../../support/error-shape.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;
let alice: Record<string, string>;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
  alice = await authHeaders("alice");
});
afterAll(() => runtime.close());

async function postRaw(payload: string, contentType = "application/json") {
  return runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: { ...alice, "content-type": contentType },
    payload,
  });
}

const post = (body: unknown) => postRaw(JSON.stringify(body));

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

describe("POST /runs refuses bodies no layer behind it could take, naming the field", () => {
  it("a 10,000-level deep state → 400 naming body.state, before anything is stored", async () => {
    const input = runInput();
    const text = JSON.stringify({ ...input, state: "__STATE__" }).replace(
      '"__STATE__"',
      nested(10_000),
    );
    const response = await postRaw(text);
    const body = expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR" });
    expect(String(body.error.details?.field)).toMatch(/^body\.state\.a\.a/);
    expect(body.error.message).toContain("nested deeper than 64 levels");
    const session = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers: alice,
    });
    expect(session.statusCode).toBe(404);
  });

  it("a state exactly at the depth limit is accepted", async () => {
    // body (1) → state (2) → 62 more levels = 64.
    const text = JSON.stringify({ ...runInput(), state: "__STATE__" }).replace(
      '"__STATE__"',
      nested(63),
    );
    expect((await postRaw(text)).statusCode).toBe(202);
  });

  it.each([
    ["NUL in user text", { content: "a\u0000b" }, "body.messages.0.content", "U+0000"],
    [
      "an unpaired surrogate in user text",
      { content: "a\uD800b" },
      "body.messages.0.content",
      "surrogate",
    ],
  ])("%s → 400 naming the field", async (_name, message, field, words) => {
    const response = await post(
      runInput({ messages: [{ id: uniqueId("m"), role: "user", ...message }] }),
    );
    const body = expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR", field });
    expect(body.error.message).toContain(words);
  });

  it.each([
    ["a state value", { state: { note: "x\u0000" } }, "body.state.note"],
    ["a state key", { state: { "k\u0000": 1 } }, "body.state.k\uFFFD"],
    ["a tool name", { tools: [{ name: "t\uDFFF", description: "" }] }, "body.tools.0.name"],
    [
      "a tool description",
      { tools: [{ name: "t", description: "\u0000" }] },
      "body.tools.0.description",
    ],
    [
      "a tool schema",
      { tools: [{ name: "t", description: "", parameters: { type: "object", title: "\uD83D" } }] },
      "body.tools.0.parameters.title",
    ],
    [
      "a context value",
      { context: [{ description: "d", value: "v\u0000" }] },
      "body.context.0.value",
    ],
    ["a thread id", { threadId: "t\u0000" }, "body.threadId"],
    ["a run id", { runId: "\uDC00r" }, "body.runId"],
    [
      "a message id",
      { messages: [{ id: "m\u0000", role: "user", content: "hi" }] },
      "body.messages.0.id",
    ],
    [
      "forwardedProps",
      { forwardedProps: { agent: "default", extra: ["\u0000"] } },
      "body.forwardedProps.extra.0",
    ],
  ])("unstorable text in %s → 400 naming it", async (_name, overrides, field) => {
    const response = await post(runInput(overrides));
    expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR", field });
  });

  it.each([
    ['{"__proto__":{"polluted":true}}', "body.__proto__"],
    ['{"state":{"a":{"__proto__":{}}}}', "body.state.a.__proto__"],
    ['{"state":{"constructor":{"prototype":{"polluted":true}}}}', "body.state.constructor"],
  ])("a prototype-poisoning key in %s → 400 naming it", async (json, field) => {
    const input = runInput();
    const text = JSON.stringify(input).replace(/}$/, `,${json.slice(1, -1)}}`);
    const response = await postRaw(text);
    const body = expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR", field });
    expect(body.error.message).toContain("forbidden key");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a key named constructor that is not a prototype carrier is fine", async () => {
    expect((await post(runInput({ state: { constructor: "x", prototype: 1 } }))).statusCode).toBe(
      202,
    );
  });

  it("malformed JSON → 400 naming body, with the parser's reason", async () => {
    const body = expectErrorShape(await postRaw('{"threadId": '), { status: 400, field: "body" });
    expect(body.error.message).toContain("is not valid JSON");
  });

  it("no body → 400 naming body", async () => {
    const response = await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: alice,
    });
    expectErrorShape(response, { status: 400, code: "VALIDATION_ERROR", field: "body" });
  });

  it.each([
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "nonsense",
  ])("a %s body → 415 UNSUPPORTED_MEDIA_TYPE naming the content type", async (contentType) => {
    const response = await postRaw(JSON.stringify(runInput()), contentType);
    expectErrorShape(response, {
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      field: "headers.content-type",
    });
  });

  it("a JSON content type with a charset parameter is still JSON", async () => {
    const response = await postRaw(JSON.stringify(runInput()), "application/json; charset=utf-8");
    expect(response.statusCode).toBe(202);
  });

  it("an id over 200 characters → 400 naming it", async () => {
    const response = await post(runInput({ threadId: "t".repeat(201) }));
    expectErrorShape(response, { status: 400, field: "body.threadId" });
  });

  it("a control character in an id → 400 naming it", async () => {
    const response = await post(runInput({ runId: "run\nline" }));
    expectErrorShape(response, { status: 400, field: "body.runId" });
  });
});

describe("path, query and header refusals keep the error shape", () => {
  const get = (url: string, headers: Record<string, string> = {}) =>
    runtime.app.inject({ method: "GET", url, headers: { ...alice, ...headers } });

  it.each([
    ["truncated percent-encoding", "/api/v1/agent/runs/%E0%A4%A", "url"],
    ["a percent sign without hex", "/api/v1/agent/runs/%ZZ", "url"],
    ["an encoded NUL", "/api/v1/agent/runs/%00", "params.runId"],
    ["an encoded lone surrogate (not UTF-8)", "/api/v1/agent/runs/%ED%A0%80", "url"],
    ["a 201-character id", `/api/v1/agent/runs/${"r".repeat(201)}`, "params.runId"],
    ["a 5000-character segment", `/api/v1/agent/runs/${"r".repeat(5000)}`, "params"],
    [
      "a 201-character session id",
      `/api/v1/agent/sessions/${"s".repeat(201)}/messages`,
      "params.sessionId",
    ],
  ])("a URL with %s → 400 naming the field", async (_name, url, field) => {
    expectErrorShape(await get(url), { status: 400, code: "VALIDATION_ERROR", field });
  });

  it.each([
    ["after_seq=2147483648", "querystring.after_seq"],
    ["after_seq=-1", "querystring.after_seq"],
    ["after_seq=abc", "querystring.after_seq"],
    ["after_seq=1e3", "querystring.after_seq"],
    ["after_seq=0x10", "querystring.after_seq"],
    ["after_seq=", "querystring.after_seq"],
    ["after_seq=1&after_seq=2", "querystring.after_seq"],
    ["limit=0", "querystring.limit"],
    ["limit=501", "querystring.limit"],
    ["limit=99999999999", "querystring.limit"],
  ])("?%s on /messages → 400 naming the parameter", async (query, field) => {
    const url = `/api/v1/agent/sessions/${uniqueId("thread")}/messages?${query}`;
    expectErrorShape(await get(url), { status: 400, code: "VALIDATION_ERROR", field });
  });

  it("the largest after_seq is a valid query (404: the session is unknown)", async () => {
    const url = `/api/v1/agent/sessions/${uniqueId("thread")}/messages?after_seq=2147483647`;
    expectErrorShape(await get(url), { status: 404, code: "NOT_FOUND" });
  });

  it.each([["offset=-1"], ["offset=2147483648"], ["limit=201"], ["limit=1.5"]])(
    "?%s on /sessions → 400",
    async (query) => {
      expectErrorShape(await get(`/api/v1/agent/sessions?${query}`), { status: 400 });
    },
  );

  it.each(["99999999999999999999999-0", "18446744073709551616-0", "1-1:99999999999", "../../etc"])(
    "?after=%s → 400",
    async (after) => {
      const url = `/api/v1/agent/runs/${uniqueId("run")}/events?after=${encodeURIComponent(after)}`;
      expectErrorShape(await get(url), { status: 400, field: "querystring.after" });
    },
  );

  it("a Last-Event-ID that is not a stream position → 400 naming the header", async () => {
    const url = `/api/v1/agent/runs/${uniqueId("run")}/events`;
    expectErrorShape(await get(url, { "last-event-id": "nope" }), {
      status: 400,
      field: "headers.last-event-id",
    });
  });

  it("an Idempotency-Key over 200 characters → 400 naming the header", async () => {
    const response = await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: { ...alice, "idempotency-key": "k".repeat(201) },
      payload: runInput(),
    });
    expectErrorShape(response, { status: 400, field: "headers.idempotency-key" });
  });

  it("an unknown route or method → 404 NOT_FOUND in the error shape", async () => {
    expectErrorShape(await get("/api/v1/nope"), { status: 404, code: "NOT_FOUND" });
    const wrongMethod = await runtime.app.inject({ method: "PUT", url: "/api/v1/agent/runs" });
    expectErrorShape(wrongMethod, { status: 404, code: "NOT_FOUND" });
  });

  it("an empty JSON body on a route that takes none is no body (cancel answers for the run)", async () => {
    const response = await runtime.app.inject({
      method: "POST",
      url: `/api/v1/agent/runs/${uniqueId("run")}/cancel`,
      headers: { ...alice, "content-type": "application/json" },
    });
    expectErrorShape(response, { status: 404, code: "NOT_FOUND" });
  });

  it("a 401 names the bearer scheme it wants (RFC 9110)", async () => {
    const response = await runtime.app.inject({ method: "GET", url: "/api/v1/agent/sessions" });
    expectErrorShape(response, { status: 401, code: "UNAUTHORIZED" });
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
  });
});
