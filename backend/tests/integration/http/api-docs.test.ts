import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessRuntime } from "../../support/in-process-runtime.js";

let runtime: InProcessRuntime;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
});
afterAll(() => runtime?.close());

describe("API docs", () => {
  it("serves Swagger UI at /docs, pointing at the document built from the zod schemas", async () => {
    const page = await runtime.app.inject({ method: "GET", url: "/docs" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("swagger-ui");
    const initializer = await runtime.app.inject({
      method: "GET",
      url: "/docs/static/swagger-initializer.js",
    });
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toContain("json");
    const bundle = await runtime.app.inject({
      method: "GET",
      url: "/docs/static/swagger-ui-bundle.js",
    });
    expect(bundle.statusCode).toBe(200);
  });

  it("keeps the OpenAPI JSON at /docs/openapi.json (and /docs/json), with the runs route and its body schema", async () => {
    for (const url of ["/docs/openapi.json", "/docs/json"]) {
      const response = await runtime.app.inject({ method: "GET", url });
      expect(response.statusCode, url).toBe(200);
      const document = response.json() as {
        openapi: string;
        paths: Record<string, Record<string, { requestBody?: unknown }>>;
      };
      expect(document.openapi).toMatch(/^3\./);
      const post = document.paths["/api/v1/agent/runs"]?.post;
      expect(post?.requestBody).toMatchObject({
        content: {
          "application/json": {
            schema: { required: expect.arrayContaining(["threadId", "runId", "messages"]) },
          },
        },
      });
      expect(document.paths["/api/v1/agent/runs/{runId}/events"]).toBeDefined();
    }
  });

  it("does not list its own UI routes as API operations", async () => {
    const document = (
      await runtime.app.inject({ method: "GET", url: "/docs/openapi.json" })
    ).json();
    expect(Object.keys(document.paths).filter((path) => path.startsWith("/docs"))).toEqual([]);
  });
});
