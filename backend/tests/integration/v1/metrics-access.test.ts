import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { buildMetricsServer } from "../../../src/metrics-server.js";
import { expectErrorShape } from "../../support/error-shape.js";
import { InProcessRuntime } from "../../support/in-process-runtime.js";
import { openSocket, parseRawResponse, untilClosed } from "../../support/raw-http.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const runtimes: InProcessRuntime[] = [];

async function runtimeWith(environment: Record<string, string>): Promise<InProcessRuntime> {
  const runtime = await InProcessRuntime.start(environment);
  runtimes.push(runtime);
  return runtime;
}
afterAll(async () => {
  for (const runtime of runtimes) await runtime.close();
});

const scrape = (runtime: InProcessRuntime, headers: Record<string, string> = {}) =>
  runtime.app.inject({ method: "GET", url: "/metrics", headers });

describe("/metrics on the api port", () => {
  it("is not served without a metrics token (404 in the error shape)", async () => {
    const runtime = await runtimeWith({});
    expectErrorShape(await scrape(runtime), { status: 404, code: "NOT_FOUND" });
  });

  it("with a token: 401 without it or with a wrong one, 200 with it (any scheme case)", async () => {
    const runtime = await runtimeWith({ SOCIAL_METRICS__TOKEN: METRICS_TOKEN });
    expectErrorShape(await scrape(runtime), { status: 401, code: "UNAUTHORIZED" });
    expectErrorShape(await scrape(runtime, { authorization: `Bearer ${METRICS_TOKEN}x` }), {
      status: 401,
    });
    expectErrorShape(await scrape(runtime, { authorization: "Bearer short" }), { status: 401 });
    for (const scheme of ["Bearer", "bearer"]) {
      const response = await scrape(runtime, { authorization: `${scheme} ${METRICS_TOKEN}` });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain("agent_runtime_runs_accepted_total");
      expect(response.body).toContain("agent_runtime_queue_depth");
      expect(response.body).toContain("agent_runtime_llm_call_duration_seconds");
    }
  });

  it("a user's JWT is not a metrics token", async () => {
    const runtime = await runtimeWith({ SOCIAL_METRICS__TOKEN: METRICS_TOKEN });
    const { tokenFor } = await import("../../support/jwt.js");
    expectErrorShape(
      await scrape(runtime, { authorization: `Bearer ${await tokenFor("alice")}` }),
      {
        status: 401,
      },
    );
  });

  it("with its own listener configured, the api port does not serve it even with the token", async () => {
    const runtime = await runtimeWith({
      SOCIAL_METRICS__TOKEN: METRICS_TOKEN,
      SOCIAL_METRICS__API_PORT: "9999",
    });
    const response = await scrape(runtime, { authorization: `Bearer ${METRICS_TOKEN}` });
    expectErrorShape(response, { status: 404, code: "NOT_FOUND" });
  });

  it("is open when auth is disabled altogether (development)", async () => {
    const runtime = await runtimeWith({ SOCIAL_AUTH__DISABLED: "true" });
    expect((await scrape(runtime)).statusCode).toBe(200);
  });
});

describe("a separate metrics listener (worker, or the api with SOCIAL_METRICS__API_PORT)", () => {
  const registry = new Registry();
  const timeouts = { requestTimeoutMs: 600, headersTimeoutMs: 300, keepAliveTimeoutMs: 400 };
  const logger = pino({ level: "silent" });

  it("asks for the token when one is set, and answers in the error shape", async () => {
    const server = await buildMetricsServer({
      source: registry,
      token: METRICS_TOKEN,
      timeouts,
      logger,
    });
    try {
      const base = await server.listen({ host: "127.0.0.1", port: 0 });
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get("content-type")).toContain("text/plain");
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
      const unknown = await fetch(`${base}/nope`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    } finally {
      await server.close();
    }
  });

  it("is open without a token, and closes slow clients like the api", async () => {
    const server = await buildMetricsServer({ source: registry, timeouts, logger });
    try {
      const base = await server.listen({ host: "127.0.0.1", port: 0 });
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      const socket = await openSocket(base);
      socket.write("GET /metrics HTTP/1.1\r\nHost: test\r\n");
      const outcome = await untilClosed(socket, 5 * timeouts.headersTimeoutMs);
      expect(outcome.closed).toBe(true);
      expect(parseRawResponse(outcome.received)).toMatchObject({
        status: 408,
        body: { error: { code: "REQUEST_TIMEOUT" } },
      });
    } finally {
      await server.close();
    }
  });
});
