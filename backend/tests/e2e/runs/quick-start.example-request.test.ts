import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseAgUiFrames,
  streamedText,
  verifyAgUiEvents,
} from "../../support/agui-stream-checks.js";
import {
  type CurlRequest,
  printedCurlRequest,
  QuickStartProcess,
} from "../../support/quick-start-process.js";
import { freePort } from "../../support/service-processes.js";
import { readRunFrames } from "../../support/sse-event-reader.js";
import { testEnvironment } from "../../support/test-settings.js";

let quickStart: QuickStartProcess | undefined;
let port: number;

beforeAll(async () => {
  port = await freePort();
  // The test database, Redis and key prefix, but no auth, no LLM key and the default (development)
  // environment: what a fresh clone has.
  const {
    SOCIAL_ENV: _env,
    SOCIAL_AUTH__JWT_SECRET: _secret,
    ...environment
  } = testEnvironment({
    SOCIAL_HTTP__PORT: String(port),
    SOCIAL_HTTP__HOST: "127.0.0.1",
  });
  expect(
    Object.keys(environment).filter((name) =>
      /^SOCIAL_(ENV$|AUTH__|LLM__PROVIDER_KEYS__|LLM__DEFAULT_MODEL_CODE$)/.test(name),
    ),
  ).toEqual([]);
  quickStart = QuickStartProcess.spawn(environment);
  await quickStart.waitForOutput(`"forwardedProps":{}}'`);
}, 90_000);

afterAll(() => quickStart?.stop());

describe("npm start (agent-runtime start) without auth or an LLM key", () => {
  it("prints an example request that streams a demo run to RUN_FINISHED", async () => {
    const output = quickStart?.text() ?? "";
    expect(output).toContain(`agent-runtime is ready at http://127.0.0.1:${port}`);
    const request: CurlRequest = printedCurlRequest(output);
    expect(request.url).toBe(`http://127.0.0.1:${port}/api/v1/agent/runs`);
    expect(request.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(request.headers.accept).toBe("text/event-stream");
    expect(request.body).toBeDefined();
    const input = JSON.parse(request.body as string) as { threadId: string; runId: string };

    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body as string,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const { frames, ended } = await readRunFrames({ response });
    expect(ended).toBe(true);
    const events = parseAgUiFrames(frames);
    await verifyAgUiEvents(events);
    expect(events[0]).toMatchObject({
      type: "RUN_STARTED",
      threadId: input.threadId,
      runId: input.runId,
    });
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "success" } });
    expect(streamedText(events).length).toBeGreaterThan(0);

    // The printed token is a working credential for the rest of the API too.
    const run = await fetch(`http://127.0.0.1:${port}/api/v1/agent/runs/${input.runId}`, {
      headers: { authorization: request.headers.authorization as string },
    });
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ status: "succeeded" });
  });

  it("serves the playground and Swagger UI, and prints the playground's URL with a working token", async () => {
    const output = quickStart?.text() ?? "";
    const match = /Playground: (http:\/\/\S+)\/#token=(\S+)/.exec(output);
    expect(match?.[1]).toBe(`http://127.0.0.1:${port}/playground`);
    const page = await fetch(`${match?.[1]}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("playground");
    const sessions = await fetch(`http://127.0.0.1:${port}/api/v1/agent/sessions`, {
      headers: { authorization: `Bearer ${match?.[2]}` },
    });
    expect(sessions.status).toBe(200);
    const docs = await fetch(`http://127.0.0.1:${port}/docs`);
    expect(await docs.text()).toContain("swagger-ui");
  });
});
