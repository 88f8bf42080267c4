import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { uniqueId } from "../../../support/database.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;

beforeAll(async () => {
  runtime = await InProcessRuntime.start({ SOCIAL_HTTP__BODY_LIMIT_BYTES: "4096" });
});
afterAll(() => runtime.close());

async function post(payload: unknown, headers: Record<string, string> = {}) {
  return runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: { ...(await authHeaders("alice")), ...headers },
    payload: payload as Record<string, unknown>,
  });
}

describe("POST /runs refuses bad input with a JSON error naming the field", () => {
  it("a missing threadId → 400 VALIDATION_ERROR naming body.threadId", async () => {
    const { threadId: _threadId, ...input } = runInput();
    const response = await post(input);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
    expect(response.json().error.message).toContain("threadId");
  });

  it("a message with an unknown role → 400 naming the message", async () => {
    const response = await post(runInput({ messages: [{ id: "m", role: "robot", content: "x" }] }));
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error.details)).toContain("messages");
  });

  it("a body above the size limit → 413 PAYLOAD_TOO_LARGE", async () => {
    const response = await post(
      runInput({ messages: [{ id: "m", role: "user", content: "x".repeat(8000) }] }),
    );
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("malformed JSON → 400", async () => {
    const response = await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: { ...(await authHeaders("alice")), "content-type": "application/json" },
      payload: "{not json",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
  });

  it("an unknown workflow in forwardedProps.agent → 400 naming it", async () => {
    const response = await post(runInput({ forwardedProps: { agent: "nope" } }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { field: "forwardedProps.agent" },
    });
  });

  it("a client tool named like a backend tool → 400 TOOL_NAME_CONFLICT", async () => {
    const response = await post(
      runInput({
        tools: [
          { name: "srv.transfer_funds", description: "mine", parameters: { type: "object" } },
        ],
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "TOOL_NAME_CONFLICT",
      details: { tool_names: ["srv.transfer_funds"] },
    });
  });
});

describe("POST /runs is idempotent on runId", () => {
  it("a repeated POST with the same runId joins the existing run instead of starting another", async () => {
    const input = runInput();
    const first = await post(input);
    const second = await post(input);
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ run_id: input.runId, replayed: true });
    const jobs = await runtime.root.queue.queue.getJobs([
      "waiting",
      "active",
      "completed",
      "delayed",
    ]);
    expect(jobs.filter((job) => job.id === input.runId)).toHaveLength(1);
  });

  it("the same Idempotency-Key on one thread answers with the first run", async () => {
    const input = runInput();
    const key = uniqueId("key");
    await post(input, { "idempotency-key": key });
    const again = await post({ ...input, runId: uniqueId("run") }, { "idempotency-key": key });
    expect(again.json()).toMatchObject({ run_id: input.runId, replayed: true });
  });

  it("a runId already used on another thread is refused", async () => {
    const input = runInput();
    await post(input);
    const response = await post({ ...input, threadId: uniqueId("thread") });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual({ field: "runId" });
  });

  it("a second run on a thread whose run is still queued → 409 THREAD_BUSY", async () => {
    const input = runInput();
    await post(input);
    const response = await post({ ...input, runId: uniqueId("run") });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: "THREAD_BUSY",
      details: { active_run_id: input.runId },
    });
  });
});
