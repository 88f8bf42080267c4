import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings, SettingsError } from "../../../src/core/config/settings.js";
import { runInput } from "../../support/agent-requests.js";
import { InProcessRuntime } from "../../support/in-process-runtime.js";
import { authHeaders } from "../../support/jwt.js";

const ALLOWED = "https://app.example.com";
const REFUSED = "https://evil.example.net";

let runtime: InProcessRuntime;
let baseUrl: string;

beforeAll(async () => {
  runtime = await InProcessRuntime.start({
    SOCIAL_CORS__ORIGINS: `${ALLOWED}, http://localhost:5173`,
    SOCIAL_CORS__CREDENTIALS: "true",
  });
  baseUrl = await runtime.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => runtime?.close());

function corsHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.startsWith("access-control-")),
  );
}

/** Every route the api serves, with sample path parameters: the OpenAPI paths plus the hidden ones. */
function everyRoute(app: FastifyInstance): { method: string; url: string }[] {
  const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => ({
      method: method.toUpperCase(),
      url: path.replace(/\{[^}]+\}/g, "sample-id"),
    })),
  );
  const hidden = ["/healthz", "/readyz", "/metrics", "/docs", "/docs/openapi.json"].map((url) => ({
    method: "GET",
    url,
  }));
  return [...documented, ...hidden];
}

function preflight(app: FastifyInstance, url: string, method: string, origin: string) {
  return app.inject({
    method: "OPTIONS",
    url,
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization,content-type,last-event-id",
    },
  });
}

describe("CORS preflight", () => {
  it("answers the preflight of every route for an allowed origin, before authentication", async () => {
    const routes = everyRoute(runtime.app);
    expect(routes.length).toBeGreaterThan(10);
    for (const { method, url } of routes) {
      const response = await preflight(runtime.app, url, method, ALLOWED);
      expect(response.statusCode, `${method} ${url}`).toBe(204);
      expect(response.headers["access-control-allow-origin"], url).toBe(ALLOWED);
      expect(response.headers["access-control-allow-methods"]).toContain(method);
      expect(response.headers["access-control-allow-headers"]).toBe(
        "Authorization, Content-Type, Accept, Idempotency-Key, Last-Event-ID",
      );
      expect(response.headers["access-control-allow-credentials"]).toBe("true");
      expect(response.headers["access-control-max-age"]).toBe("600");
      expect(response.headers.vary).toContain("Origin");
    }
  });

  it("gives a refused origin no CORS header at all and does not answer its preflight", async () => {
    const response = await preflight(runtime.app, "/api/v1/agent/runs", "POST", REFUSED);
    expect(response.statusCode).toBe(404);
    expect(corsHeaders(response.headers)).toEqual({});
  });

  it("matches origins exactly: another port or scheme of an allowed host is refused", async () => {
    for (const origin of ["http://app.example.com", "https://app.example.com:8443"]) {
      const response = await preflight(runtime.app, "/api/v1/agent/runs", "POST", origin);
      expect(corsHeaders(response.headers), origin).toEqual({});
    }
    const other = await preflight(
      runtime.app,
      "/api/v1/agent/runs",
      "POST",
      "http://localhost:5173",
    );
    expect(other.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
  });
});

describe("CORS on actual requests", () => {
  it("streams a run (SSE) to an allowed origin with the CORS headers a browser needs to read it", async () => {
    const response = await fetch(`${baseUrl}/api/v1/agent/runs`, {
      method: "POST",
      headers: {
        ...(await authHeaders("cors-user")),
        origin: ALLOWED,
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify(runInput()),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-expose-headers")).toBe("Retry-After");
    await response.body?.cancel();
  });

  it("sends CORS headers on JSON answers and on errors, so a page can read why it was refused", async () => {
    const ok = await runtime.app.inject({
      method: "GET",
      url: "/api/v1/agent/sessions",
      headers: { ...(await authHeaders("cors-user")), origin: ALLOWED },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBe(ALLOWED);
    const refused = await runtime.app.inject({
      method: "GET",
      url: "/api/v1/agent/sessions",
      headers: { origin: ALLOWED },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["access-control-allow-origin"]).toBe(ALLOWED);
  });

  it("answers a refused origin's request as usual but without any CORS header (the browser blocks it)", async () => {
    const response = await fetch(`${baseUrl}/api/v1/agent/sessions`, {
      headers: { ...(await authHeaders("cors-user")), origin: REFUSED },
    });
    expect(response.status).toBe(200);
    expect(
      [...response.headers.keys()].filter((name) => name.startsWith("access-control-")),
    ).toEqual([]);
  });

  it("adds nothing to a same-origin request (no Origin header)", async () => {
    const response = await runtime.app.inject({ method: "GET", url: "/healthz" });
    expect(corsHeaders(response.headers)).toEqual({});
  });
});

describe("CORS settings", () => {
  it("is off by default: no preflight route, no headers", async () => {
    const plain = await InProcessRuntime.start();
    try {
      const response = await preflight(plain.app, "/api/v1/agent/runs", "POST", ALLOWED);
      expect(response.statusCode).toBe(404);
      expect(corsHeaders(response.headers)).toEqual({});
    } finally {
      await plain.close();
    }
  });

  it("with * echoes any origin (never a literal *, so credentials still work)", async () => {
    const open = await InProcessRuntime.start({ SOCIAL_CORS__ORIGINS: "*" });
    try {
      const response = await preflight(open.app, "/api/v1/agent/runs", "POST", REFUSED);
      expect(response.headers["access-control-allow-origin"]).toBe(REFUSED);
    } finally {
      await open.close();
    }
  });

  it("refuses an origin that is not scheme://host[:port], naming the variable", () => {
    for (const bad of ["app.example.com", "https://app.example.com/path", "ftp://x.org"]) {
      expect(() => loadSettings({ SOCIAL_CORS__ORIGINS: bad }, undefined), bad).toThrow(
        SettingsError,
      );
    }
    expect(() => loadSettings({ SOCIAL_CORS__ORIGINS: "app.example.com" }, undefined)).toThrow(
      /SOCIAL_CORS__ORIGINS/,
    );
  });
});
