import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { uniqueId } from "../../../support/database.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
});
afterAll(() => runtime.close());

async function finishedRun(userId: string, overrides: Record<string, unknown> = {}) {
  const input = runInput(overrides);
  await runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: await authHeaders(userId),
    payload: input,
  });
  await runtime.executeJob(input.runId);
  return input;
}

describe("session routes", () => {
  it("lists only the caller's sessions, most recent first, without snapshots", async () => {
    const userId = uniqueId("user");
    const first = await finishedRun(userId);
    const second = await finishedRun(userId);
    await finishedRun(uniqueId("someone-else"));
    const response = await runtime.app.inject({
      method: "GET",
      url: "/api/v1/agent/sessions",
      headers: await authHeaders(userId),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.sessions.map((session: { session_id: string }) => session.session_id)).toEqual([
      second.threadId,
      first.threadId,
    ]);
    expect(body.sessions[0]).not.toHaveProperty("state_snapshot");
  });

  it("shows a session with its status, snapshot and exact usage totals", async () => {
    const userId = uniqueId("user");
    const input = await finishedRun(userId);
    const response = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers: await authHeaders(userId),
    });
    expect(response.json()).toMatchObject({
      session_id: input.threadId,
      status: "idle",
      active_run_id: null,
      message_count: 2,
      last_seq: 2,
      state_snapshot: {
        schema_version: 2,
        run: { run_id: input.runId, status: "succeeded", context: [] },
        pending_tool_calls: [],
      },
      // The default workflow calls the model twice: intent, then respond.
      usage: { llm_calls: 2 },
    });
    expect(response.json().usage.cost_usd).toMatch(/^\d+\.\d{12}$/);
  });

  it("returns history in AG-UI shape, paged by seq", async () => {
    const userId = uniqueId("user");
    const input = await finishedRun(userId);
    const headers = await authHeaders(userId);
    const page = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}/messages?limit=1`,
      headers,
    });
    expect(page.json()).toMatchObject({
      messages: [
        {
          id: input.messages[0]?.id,
          role: "user",
          content: "hello",
          metadata: { seq: 1, run_id: input.runId },
        },
      ],
      next_after_seq: 1,
    });
    const rest = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}/messages?after_seq=1`,
      headers,
    });
    expect(rest.json().messages.map((message: { role: string }) => message.role)).toEqual([
      "assistant",
    ]);
    expect(rest.json().next_after_seq).toBeNull();
  });

  it("deletes a session for its owner only; it then disappears from every route", async () => {
    const userId = uniqueId("user");
    const input = await finishedRun(userId);
    const stranger = await runtime.app.inject({
      method: "DELETE",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers: await authHeaders("mallory"),
    });
    expect(stranger.statusCode).toBe(404);
    const owner = await runtime.app.inject({
      method: "DELETE",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers: await authHeaders(userId),
    });
    expect(owner.statusCode).toBe(204);
    const after = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers: await authHeaders(userId),
    });
    expect(after.statusCode).toBe(404);
  });

  it("refuses to delete a session while it has an active run", async () => {
    const userId = uniqueId("user");
    const input = runInput();
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders(userId),
      payload: input,
    });
    const response = await runtime.app.inject({
      method: "DELETE",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers: await authHeaders(userId),
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("THREAD_BUSY");
  });

  it("rejects bad paging parameters", async () => {
    const response = await runtime.app.inject({
      method: "GET",
      url: "/api/v1/agent/sessions?limit=0",
      headers: await authHeaders("alice"),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain("limit");
  });
});

describe("service routes", () => {
  it("/agents describes the resolved workflows, agents and tools without secrets", async () => {
    const response = await runtime.app.inject({
      method: "GET",
      url: "/api/v1/agent/agents",
      headers: await authHeaders("alice"),
    });
    const body = response.json();
    expect(body.default_workflow).toBe("default");
    expect(body.workflows.map((workflow: { name: string }) => workflow.name)).toEqual(
      expect.arrayContaining(["default", "single"]),
    );
    expect(
      body.tools.find((tool: { name: string }) => tool.name === "srv.transfer_funds"),
    ).toMatchObject({ requires_approval: true });
    expect(JSON.stringify(body)).not.toMatch(/test-secret|api[_-]?key/i);
  });

  it("/healthz, /readyz and /docs answer", async () => {
    expect((await runtime.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({
      status: "ok",
    });
    expect((await runtime.app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({
      status: "ready",
      checks: { postgres: "ok", redis: "ok" },
    });
    const docs = await runtime.app.inject({ method: "GET", url: "/docs/openapi.json" });
    expect(Object.keys(docs.json().paths)).toEqual(
      expect.arrayContaining(["/api/v1/agent/runs", "/api/v1/agent/runs/{runId}/resume"]),
    );
  });

  it("an unknown route answers 404 in the error format", async () => {
    const response = await runtime.app.inject({ method: "GET", url: "/api/v1/nope" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("NOT_FOUND");
  });
});
