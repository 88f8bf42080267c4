import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNS_PATH, type RunJson } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentToolResults } from "../../support/hitl-scripted-conversations.js";
import { pauseOnFrontendCall, pauseOnTransfer } from "../../support/hitl-threads.js";

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

type Accepted = Pick<RunJson, "run_id" | "session_id" | "kind" | "status"> & {
  replayed: boolean;
  events_url: string;
};

describe("POST /api/v1/agent/runs/{runId}/resume (JSON answer, worker in its own process)", () => {
  it("test_resume_updates_session_status_and_snapshot: 202, then the session's status and state_snapshot reflect the rejection", async () => {
    const paused = await pauseOnTransfer(env, [{ text: "OK, I will not send it." }]);
    const { userId, threadId, callId } = paused;
    const before = await env.client.session(threadId, userId);
    expect(before.status).toBe("interrupted");
    expect(before.state_snapshot.pending_tool_calls[0]?.status).toBe("PENDING_APPROVAL");

    const answer = await env.client.json<Accepted>(
      "POST",
      `${RUNS_PATH}/${paused.firstRunId}/resume`,
      userId,
      { approvals: [{ tool_call_id: callId, approved: false, reason: "Wrong account" }] },
    );

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      session_id: threadId,
      kind: "resume",
      status: "queued",
      replayed: false,
    });
    const resumeRunId = answer.body.run_id;
    expect(resumeRunId).not.toBe(paused.firstRunId);
    expect(answer.body.events_url).toBe(`${RUNS_PATH}/${resumeRunId}/events`);

    const run = await env.client.waitForRun(resumeRunId, userId);
    expect(run).toMatchObject({ status: "succeeded", parent_run_id: paused.firstRunId });
    const after = await env.client.session(threadId, userId);
    expect(after).toMatchObject({ status: "idle", active_run_id: null });
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.state_snapshot.run).toMatchObject({
      run_id: resumeRunId,
      parent_run_id: paused.firstRunId,
      status: "succeeded",
    });
    expect(after.state_snapshot.pending_tool_calls).toEqual([
      expect.objectContaining({
        tool_call_id: callId,
        status: "REJECTED",
        decided_by: userId,
        reason: "Wrong account",
      }),
    ]);
    expect(await env.db.toolExecutions(callId)).toEqual([]);
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.rejected",
        tool_call_id: callId,
      }),
    ]);
  });

  it("accepts tool_results for a pending frontend call: the snapshot records the client's result and the model receives it", async () => {
    const paused = await pauseOnFrontendCall(env, [{ text: "Nice colour." }]);
    const { userId, threadId, callId, tag } = paused;

    const answer = await env.client.json<Accepted>(
      "POST",
      `${RUNS_PATH}/${paused.firstRunId}/resume`,
      userId,
      { tool_results: [{ tool_call_id: callId, content: '{"color":"olive"}' }] },
    );

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ kind: "resume", replayed: false });
    await env.client.waitForRun(answer.body.run_id, userId, ["succeeded"]);
    const after = await env.client.session(threadId, userId);
    expect(after.status).toBe("idle");
    expect(after.state_snapshot.pending_tool_calls).toEqual([
      expect.objectContaining({
        tool_call_id: callId,
        status: "EXECUTED",
        decided_by: userId,
        result: { content: '{"color":"olive"}' },
      }),
    ]);
    expect(sentToolResults(env.conversations.request(tag, 1))).toEqual([
      { toolCallId: callId, content: '{"color":"olive"}' },
    ]);
    const tools = (await env.db.messages(threadId)).filter((row) => row.role === "tool");
    expect(tools.map((row) => [row.tool_call_id, row.content])).toEqual([
      [callId, '{"color":"olive"}'],
    ]);
  });

  it("answers 409 TOOL_RESULTS_INCOMPLETE to an empty resume, and once nothing waits 409 TOOL_CALL_NOT_PENDING to a late approval and RUN_NOT_ACTIVE to an empty resume", async () => {
    const paused = await pauseOnTransfer(env, [{ text: "Sent." }]);
    const { userId, callId } = paused;
    const path = `${RUNS_PATH}/${paused.firstRunId}/resume`;

    const empty = await env.client.json("POST", path, userId, {});
    expect(empty.status).toBe(409);
    expect(empty.body.error).toMatchObject({
      code: "TOOL_RESULTS_INCOMPLETE",
      details: { tool_call_ids: [callId] },
    });

    const approved = await env.client.json<Accepted>("POST", path, userId, {
      approvals: [{ tool_call_id: callId, approved: true }],
    });
    expect(approved.status).toBe(202);
    await env.client.waitForRun(approved.body.run_id, userId, ["succeeded"]);

    const late = await env.client.json("POST", path, userId, {
      approvals: [{ tool_call_id: callId, approved: true }],
    });
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe("TOOL_CALL_NOT_PENDING");
    const idle = await env.client.json("POST", path, userId, {});
    expect(idle.status).toBe(409);
    expect(idle.body.error?.code).toBe("RUN_NOT_ACTIVE");
    expect(await env.db.toolExecutions(callId)).toHaveLength(1);
  });
});
