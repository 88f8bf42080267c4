import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders, tokenFor } from "../../../support/jwt.js";
import { TEST_JWT_SECRET } from "../../../support/test-settings.js";

let runtime: InProcessRuntime;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
});
afterAll(() => runtime.close());

const sign = (build: (jwt: SignJWT) => SignJWT, secret = TEST_JWT_SECRET) =>
  build(new SignJWT({}).setProtectedHeader({ alg: "HS256" })).sign(
    new TextEncoder().encode(secret),
  );

const otherSecret = await sign(
  (jwt) => jwt.setSubject("alice").setExpirationTime("1h"),
  "other-secret-000000000000000000000000",
);
const expired = await sign((jwt) =>
  jwt.setSubject("alice").setExpirationTime(Math.floor(Date.now() / 1000) - 60),
);
const noSubject = await sign((jwt) => jwt.setExpirationTime("1h"));

describe("bearer auth on /api/v1/agent", () => {
  it.each([
    ["no token", undefined],
    ["a malformed header", "Token abc"],
    ["a token signed with another secret", `Bearer ${otherSecret}`],
    ["an expired token", `Bearer ${expired}`],
    ["a token without subject", `Bearer ${noSubject}`],
  ])("%s → 401 UNAUTHORIZED", async (_name, authorization) => {
    const response = await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: authorization ? { authorization } : {},
      payload: runInput(),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHORIZED");
  });

  it("another user's thread is invisible: 404 on its session, run, events and messages", async () => {
    const input = runInput();
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("owner"),
      payload: input,
    });
    const stranger = await authHeaders("stranger");
    for (const url of [
      `/api/v1/agent/sessions/${input.threadId}`,
      `/api/v1/agent/sessions/${input.threadId}/messages`,
      `/api/v1/agent/runs/${input.runId}`,
      `/api/v1/agent/runs/${input.runId}/events`,
    ]) {
      const response = await runtime.app.inject({ method: "GET", url, headers: stranger });
      expect(response.statusCode, url).toBe(404);
    }
    const cancel = await runtime.app.inject({
      method: "POST",
      url: `/api/v1/agent/runs/${input.runId}/cancel`,
      headers: stranger,
    });
    expect(cancel.statusCode).toBe(404);
  });

  it("a stranger posting with another user's thread id gets a thread of their own", async () => {
    const input = runInput();
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("owner"),
      payload: input,
    });
    await runtime.executeJob(input.runId);
    // Thread ids are scoped to their owner (#10): the same answer as for an unused id.
    const response = await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: { authorization: `Bearer ${await tokenFor("stranger")}` },
      payload: runInput({ threadId: input.threadId }),
    });
    expect(response.statusCode).toBe(202);
    const owners = await runtime.app.inject({
      url: `/api/v1/agent/sessions/${input.threadId}/messages`,
      headers: await authHeaders("owner"),
    });
    expect(owners.json().messages.map((message: { id: string }) => message.id)).toContain(
      input.messages[0]?.id,
    );
    expect(owners.json().messages).toHaveLength(2);
  });
});
