import {
  type BaseEvent,
  EventType,
  type RunFinishedEvent,
  type ToolCallResultEvent,
} from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { eventsOf, RUNS_PATH, refusalOf } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentMessages } from "../../support/hitl-scripted-conversations.js";
import { pauseOnFrontendCall, pauseOnTransfer } from "../../support/hitl-threads.js";
import { PICK_COLOR_TOOL, SINGLE_STAGE, TRANSFER_TOOL } from "../../support/hitl-tools.js";

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

/** Session version, snapshot and runs: what a refused request must leave as it was. */
async function footprint(threadId: string, userId: string) {
  const session = await env.client.session(threadId, userId);
  return {
    version: session.version,
    status: session.status,
    snapshot: session.state_snapshot,
    runs: (await env.db.runs(threadId)).map((run) => [run.id, run.status]),
    messages: (await env.db.messages(threadId)).map((row) => row.id),
  };
}

function resultsOf(events: readonly BaseEvent[]): ToolCallResultEvent[] {
  return eventsOf<ToolCallResultEvent>(events, EventType.TOOL_CALL_RESULT);
}

describe("resume correlation errors and idempotency", () => {
  it("refuses answers for unknown tool call ids with 409 TOOL_CALL_NOT_PENDING, audits each refusal and changes nothing", async () => {
    const approval = await pauseOnTransfer(env);
    const before = await footprint(approval.threadId, approval.userId);

    const byResumeRoute = await env.client.json(
      "POST",
      `${RUNS_PATH}/${approval.firstRunId}/resume`,
      approval.userId,
      {
        approvals: [
          { tool_call_id: approval.callId, approved: true },
          { tool_call_id: "call_nobody_made", approved: true },
        ],
      },
    );
    expect(byResumeRoute.status).toBe(409);
    expect(byResumeRoute.body.error).toMatchObject({
      code: "TOOL_CALL_NOT_PENDING",
      details: { tool_call_ids: ["call_nobody_made"] },
    });

    // An unknown interrupt id is not refused any more: AG-UI 1.0 says a producer SHOULD skip
    // such an entry and warn (tests/integration/.../agui/interrupts.test.ts covers it). Tool
    // results and approvals by tool-call id stay strict, as above.

    expect(await footprint(approval.threadId, approval.userId)).toEqual(before);
    expect(await env.db.audit(approval.threadId)).toEqual([
      expect.objectContaining({
        actor: approval.userId,
        action: "tool_call.correlation_error",
        error_code: "TOOL_CALL_NOT_PENDING",
        payload: expect.objectContaining({ tool_call_ids: ["call_nobody_made"] }),
      }),
    ]);

    // A frontend result for a call that does not exist is refused the same way.
    const frontend = await pauseOnFrontendCall(env);
    const frontendBefore = await footprint(frontend.threadId, frontend.userId);
    frontend.agent.addMessage({
      id: uniqueId("tool-msg"),
      role: "tool",
      toolCallId: "call_unknown_frontend",
      content: "red",
    });
    const unknownResult = await refusalOf(
      frontend.agent.runAgent({
        runId: uniqueId("run"),
        tools: [PICK_COLOR_TOOL],
        forwardedProps: SINGLE_STAGE,
      }),
    );
    expect(unknownResult.status).toBe(409);
    expect(unknownResult.payload.error).toMatchObject({
      code: "TOOL_CALL_NOT_PENDING",
      details: { tool_call_ids: ["call_unknown_frontend"] },
    });
    expect(await footprint(frontend.threadId, frontend.userId)).toEqual(frontendBefore);
    expect(await env.db.audit(frontend.threadId)).toEqual([
      expect.objectContaining({
        actor: frontend.userId,
        error_code: "TOOL_CALL_NOT_PENDING",
      }),
    ]);
  });

  it("answers a replayed resume (same runId) with the same run and outcome, and transfers once", async () => {
    const paused = await pauseOnTransfer(env, [{ text: "Sent." }]);
    const { userId, threadId, callId } = paused;
    const resumeRunId = uniqueId("run");
    const body = { run_id: resumeRunId, approvals: [{ tool_call_id: callId, approved: true }] };
    const path = `${RUNS_PATH}/${paused.firstRunId}/resume`;

    const first = await env.client.json("POST", path, userId, body);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ run_id: resumeRunId, kind: "resume", replayed: false });
    await env.client.waitForRun(resumeRunId, userId);
    const firstEvents = await env.client.storedEvents(resumeRunId, userId);

    const replay = await env.client.json("POST", path, userId, body);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({
      run_id: resumeRunId,
      kind: "resume",
      status: "succeeded",
      replayed: true,
    });
    // The AG-UI way: POST /runs with the same runId and the same resume entries.
    const replayedStream = await env.client.stream(RUNS_PATH, userId, {
      threadId,
      runId: resumeRunId,
      messages: paused.agent.messages,
      tools: [],
      context: [],
      forwardedProps: SINGLE_STAGE,
      resume: [
        { interruptId: paused.interrupt.id, status: "resolved", payload: { approved: true } },
      ],
    });

    for (const events of [firstEvents, replayedStream]) {
      const [finished] = eventsOf<RunFinishedEvent>(events, EventType.RUN_FINISHED);
      expect(finished).toMatchObject({ runId: resumeRunId, outcome: { type: "success" } });
      expect(resultsOf(events).map((result) => result.toolCallId)).toEqual([callId]);
    }
    expect(resultsOf(replayedStream)[0]?.content).toBe(resultsOf(firstEvents)[0]?.content);
    expect(await env.db.toolExecutions(callId)).toEqual([
      expect.objectContaining({ idempotency_key: `${resumeRunId}:${callId}`, attempts: 1 }),
    ]);
    expect((await env.db.runs(threadId)).map((run) => [run.id, run.status])).toEqual([
      [paused.firstRunId, "interrupted"],
      [resumeRunId, "succeeded"],
    ]);
    expect(
      (await env.db.audit(threadId)).filter((row) => row.action === "tool_call.approved"),
    ).toHaveLength(1);
    expect(env.conversations.requests(paused.tag)).toHaveLength(2);
  });

  it("answers 404 to a resume of another user's run, and changes nothing", async () => {
    const paused = await pauseOnTransfer(env);
    const before = await footprint(paused.threadId, paused.userId);
    const stranger = uniqueId("mallory");

    const resume = await env.client.json(
      "POST",
      `${RUNS_PATH}/${paused.firstRunId}/resume`,
      stranger,
      { approvals: [{ tool_call_id: paused.callId, approved: true }] },
    );
    expect(resume.status).toBe(404);
    expect(resume.body.error?.code).toBe("NOT_FOUND");
    // Her thread id is not the stranger's thread (ids belong to their owner): the answer is
    // the one an unused thread id gets.
    const agUiResume = (threadId: string) =>
      env.client
        .stream(RUNS_PATH, stranger, {
          threadId,
          runId: uniqueId("run"),
          messages: [],
          resume: [
            { interruptId: paused.interrupt.id, status: "resolved", payload: { approved: true } },
          ],
        })
        .then(
          () => ({ status: 202, code: undefined }),
          (error: { status?: number; payload?: { error?: { code?: string } } }) => ({
            status: error.status,
            code: error.payload?.error?.code,
          }),
        );
    expect(await agUiResume(paused.threadId)).toEqual(await agUiResume(uniqueId("thread")));
    expect(
      (await env.client.json("GET", `${RUNS_PATH}/${paused.firstRunId}`, stranger)).status,
    ).toBe(404);

    expect(await footprint(paused.threadId, paused.userId)).toEqual(before);
    expect(await env.db.toolExecutions(paused.callId)).toEqual([]);
  });

  it("refuses a client tool named like a backend tool with 400 TOOL_NAME_CONFLICT before anything runs", async () => {
    const userId = uniqueId("user");
    const threadId = uniqueId("thread");
    const { tag, say } = env.conversations.newConversation();
    const agent = await env.client.agent({
      userId,
      threadId,
      messages: [{ id: uniqueId("msg"), role: "user", content: say("Send money") }],
    });

    const refusal = await refusalOf(
      agent.runAgent({
        runId: uniqueId("run"),
        tools: [{ name: TRANSFER_TOOL, description: "A client-side impostor", parameters: {} }],
        forwardedProps: SINGLE_STAGE,
      }),
    );

    expect(refusal.status).toBe(400);
    expect(refusal.payload.error).toMatchObject({
      code: "TOOL_NAME_CONFLICT",
      details: { tool_names: [TRANSFER_TOOL] },
    });
    expect(
      (await env.client.json("GET", `/api/v1/agent/sessions/${threadId}`, userId)).status,
    ).toBe(404);
    expect(await env.db.runs(threadId)).toEqual([]);
    expect(env.conversations.requests(tag)).toEqual([]);
  });

  it("refuses a new user turn while an approval is pending with 409 TOOL_RESULTS_INCOMPLETE (AG-UI: pending interrupts need a resume)", async () => {
    const paused = await pauseOnTransfer(env);
    const before = await footprint(paused.threadId, paused.userId);

    const refusal = await refusalOf(
      env.client.stream(RUNS_PATH, paused.userId, {
        threadId: paused.threadId,
        runId: uniqueId("run"),
        messages: [
          ...paused.agent.messages,
          { id: uniqueId("msg"), role: "user", content: "Actually, what time is it?" },
        ],
        tools: [],
        context: [],
        forwardedProps: SINGLE_STAGE,
      }),
    );

    expect(refusal.status).toBe(409);
    expect(refusal.payload.error).toMatchObject({
      code: "TOOL_RESULTS_INCOMPLETE",
      details: { tool_call_ids: [paused.callId] },
    });
    expect(await footprint(paused.threadId, paused.userId)).toEqual(before);
    expect(await env.db.audit(paused.threadId)).toEqual([
      expect.objectContaining({
        actor: paused.userId,
        error_code: "TOOL_RESULTS_INCOMPLETE",
        payload: expect.objectContaining({ tool_call_ids: [paused.callId], checked_by: "api" }),
      }),
    ]);
  });

  it("accepts a new user turn that carries the resume, and the model gets the tool result right after its call", async () => {
    const paused = await pauseOnTransfer(env, [{ text: "Sent, and it is noon." }]);
    const { userId, threadId, callId, tag } = paused;
    paused.agent.addMessage({
      id: uniqueId("msg"),
      role: "user",
      content: "Yes, send it. And what time is it?",
    });

    const runId = uniqueId("run");
    const events = await env.client.run(paused.agent, {
      runId,
      forwardedProps: SINGLE_STAGE,
      resume: [
        { interruptId: paused.interrupt.id, status: "resolved", payload: { approved: true } },
      ],
    });

    const [finished] = eventsOf<RunFinishedEvent>(events, EventType.RUN_FINISHED);
    expect(finished?.outcome).toEqual({ type: "success" });
    expect(resultsOf(events).map((result) => result.toolCallId)).toEqual([callId]);
    expect(await env.db.toolExecutions(callId)).toHaveLength(1);
    expect((await env.client.session(threadId, userId)).status).toBe("idle");
    // Chat-completions providers require every tool result to follow the assistant message
    // that made the call, before any other message.
    const sent = sentMessages(env.conversations.request(tag, 1));
    const callIndex = sent.findIndex((message) =>
      message.tool_calls?.some((call) => call.id === callId),
    );
    expect(callIndex).toBeGreaterThan(0);
    expect(sent.slice(callIndex + 1).map((message) => message.role)).toEqual(["tool", "user"]);
  });
});
