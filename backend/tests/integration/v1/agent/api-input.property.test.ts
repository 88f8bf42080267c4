import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import {
  anyJson,
  bodyText,
  deepJson,
  headerValue,
  jsonText,
  pathSegment,
  queryString,
  resumeBodyTree,
  runAgentInputTree,
} from "../../../support/api-input-arbitraries.js";
import { expectErrorShape } from "../../../support/error-shape.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

/*
 * "0 answers of 5xx for any input" (#9, #10): whatever a client sends — bodies, resume bodies,
 * path ids, query strings, headers — the answer is a success or a documented 4xx error, and
 * afterwards the service still runs a normal turn. Ids BullMQ or Redis would refuse (`:`, only
 * digits, 200 characters) are in the mix: their storage ids are derived, so they run. A real worker runs, so accepted fuzz runs
 * execute too (and SSE answers end).
 */

let runtime: InProcessRuntime;
let alice: Record<string, string>;
/** A finished run of alice's, so ids and resumes also hit a real thread. */
let known: { threadId: string; runId: string };
/** A run of alice's waiting for an approval (srv.transfer_funds), and the call it waits on. */
let waiting: { runId: string; toolCallId: string };
/** Answers by status, e.g. `202` or `400 VALIDATION_ERROR`: the fuzz must reach both sides. */
const tally = new Map<string, number>();

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
  await runtime.startWorker();
  alice = await authHeaders("alice");
  known = runInput();
  expect((await post("/api/v1/agent/runs", JSON.stringify(known))).statusCode).toBe(202);
  const transfer = runInput({
    messages: [{ id: `m-${known.runId}`, role: "user", content: "Please transfer 100 EUR to Bob" }],
  });
  expect((await post("/api/v1/agent/runs", JSON.stringify(transfer))).statusCode).toBe(202);
  const session = await settled(transfer);
  const pending = session.state_snapshot.pending_tool_calls[0];
  expect(pending).toMatchObject({ tool_name: "srv.transfer_funds", status: "PENDING_APPROVAL" });
  waiting = { runId: transfer.runId, toolCallId: pending.tool_call_id };
}, 60_000);
afterAll(() => runtime.close());

function post(url: string, payload: string, headers: Record<string, string> = {}) {
  return runtime.app.inject({
    method: "POST",
    url,
    headers: { ...alice, "content-type": "application/json", ...headers },
    payload,
  });
}

/** Waits for a run to stop running; returns its session. */
async function settled({ threadId, runId }: { threadId: string; runId: string }) {
  for (;;) {
    const run = await runtime.app.inject({ url: `/api/v1/agent/runs/${runId}`, headers: alice });
    if (!["queued", "running"].includes(run.json().status)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const session = await runtime.app.inject({
    url: `/api/v1/agent/sessions/${threadId}`,
    headers: alice,
  });
  return session.json();
}

/** The property every answer has: never 5xx; a 4xx is a documented error naming its code. */
function expectNoServerError(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBeLessThan(500);
  const key =
    response.statusCode >= 400
      ? `${response.statusCode} ${expectErrorShape(response).error.code}`
      : String(response.statusCode);
  tally.set(key, (tally.get(key) ?? 0) + 1);
}

const runs = { numRuns: 120 };

describe("no input makes the api answer 5xx", () => {
  it("POST /runs with any RunAgentInput body, content type and Accept header", async () => {
    await fc.assert(
      fc.asyncProperty(
        bodyText(runAgentInputTree, "state"),
        fc.oneof(
          { weight: 6, arbitrary: fc.constant("application/json") },
          {
            weight: 1,
            arbitrary: fc.constantFrom("application/json; charset=utf-8", "text/plain", "x/y"),
          },
        ),
        fc.constantFrom("application/json", "text/event-stream", "text/event-stream;q=0", "*/*"),
        async (text, contentType, accept) => {
          const response = await post("/api/v1/agent/runs", text, {
            "content-type": contentType,
            accept,
          });
          expectNoServerError(response);
        },
      ),
      runs,
    );
  });

  it("POST /runs/{id}/resume with any body, on a waiting run, a finished run or any id", async () => {
    // Approvals of the waiting call with arbitrary edited_args, besides arbitrary bodies.
    const approval = fc
      .oneof(anyJson.map(jsonText), deepJson)
      .map(
        (editedArgs) =>
          `{"approvals":[{"tool_call_id":${JSON.stringify(waiting.toolCallId)},"approved":true,"edited_args":${editedArgs}}]}`,
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(encodeURIComponent(waiting.runId), encodeURIComponent(known.runId)),
          pathSegment,
        ),
        fc.oneof(bodyText(resumeBodyTree, "approvals"), approval),
        async (runId, text) => {
          expectNoServerError(await post(`/api/v1/agent/runs/${runId}/resume`, text));
        },
      ),
      runs,
    );
  });

  it("any path id on every route that takes one", async () => {
    await fc.assert(
      fc.asyncProperty(
        pathSegment,
        fc.constantFrom(
          ["GET", "/api/v1/agent/runs/{id}"],
          ["GET", "/api/v1/agent/runs/{id}/events"],
          ["POST", "/api/v1/agent/runs/{id}/cancel"],
          ["GET", "/api/v1/agent/sessions/{id}"],
          ["GET", "/api/v1/agent/sessions/{id}/messages"],
          ["DELETE", "/api/v1/agent/sessions/{id}"],
          ["GET", "/api/v1/agent/admin/budgets/{id}"],
        ),
        async (id, [method, route]) => {
          const response = await runtime.app.inject({
            method: method as "GET" | "POST" | "DELETE",
            url: route.replace("{id}", id),
            headers: alice,
          });
          expectNoServerError(response);
        },
      ),
      runs,
    );
  });

  it("any query string on the routes that read one", async () => {
    await fc.assert(
      fc.asyncProperty(
        queryString,
        fc.constantFrom(
          "/api/v1/agent/sessions",
          `/api/v1/agent/sessions/${known.threadId}/messages`,
          "/api/v1/agent/runs/unknown-run/events",
          "/api/v1/agent/usage",
        ),
        async (query, route) => {
          expectNoServerError(
            await runtime.app.inject({ method: "GET", url: `${route}?${query}`, headers: alice }),
          );
        },
      ),
      runs,
    );
  });

  it("any header values (auth, accept, idempotency, last-event-id, content type)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            authorization: fc.oneof(
              headerValue,
              fc.constantFrom(
                alice.authorization as string,
                `bearer ${alice.authorization?.slice(7)}`,
              ),
            ),
            accept: headerValue,
            "idempotency-key": headerValue,
            "last-event-id": headerValue,
            "content-type": headerValue,
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom(
          ["GET", "/api/v1/agent/sessions"],
          ["GET", `/api/v1/agent/runs/${known.runId}`],
          ["GET", "/api/v1/agent/runs/unknown-run/events"],
          ["POST", "/api/v1/agent/runs"],
        ),
        async (headers, [method, url]) => {
          const response = await runtime.app.inject({
            method: method as "GET" | "POST",
            url,
            headers: headers as Record<string, string>,
            ...(method === "POST" ? { payload: JSON.stringify(runInput()) } : {}),
          });
          expectNoServerError(response);
        },
      ),
      runs,
    );
  });

  it("afterwards the service still runs a normal turn", async () => {
    const count = (prefix: string) =>
      [...tally].filter(([key]) => key.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
    // The fuzz reached both sides: accepted runs (that a worker ran) and refusals.
    expect(count("202")).toBeGreaterThan(10);
    expect(count("400")).toBeGreaterThan(50);
    expect(count("")).toBeGreaterThanOrEqual(5 * runs.numRuns);
    const input = runInput({ threadId: known.threadId });
    const response = await post("/api/v1/agent/runs", JSON.stringify(input), {
      accept: "text/event-stream",
    });
    expect(response.statusCode).toBe(202);
    expect(response.body).toContain('"type":"RUN_FINISHED"');
    const run = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${input.runId}`,
      headers: alice,
    });
    expect(run.json()).toMatchObject({ status: "succeeded" });
  });
});
