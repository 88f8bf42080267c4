import { fileURLToPath } from "node:url";
import {
  type BaseEvent,
  EventType,
  type RunErrorEvent,
  type RunFinishedEvent,
  type ToolCallResultEvent,
} from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { eventsOf, RUNS_PATH, resultText, waitUntil } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentToolResults } from "../../support/hitl-scripted-conversations.js";
import { type PausedApproval, pauseOnTransfer } from "../../support/hitl-threads.js";
import { SINGLE_STAGE, TRANSFER_TOOL } from "../../support/hitl-tools.js";

/** The shipped YAML with `approval_ttl_seconds: 1` on srv.transfer_funds. */
const SHORT_TTL_CONFIG = fileURLToPath(
  new URL("../../fixtures/crewai/short-approval-ttl", import.meta.url),
);

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment({ SOCIAL_RUNTIME__CONFIG_DIR: SHORT_TTL_CONFIG });
}, 60_000);
afterAll(() => env?.stop());

function types(events: readonly BaseEvent[]): string[] {
  return events.map((event) => event.type);
}

/** A thread paused on a transfer approval, returned once that approval has expired. */
async function expiredTransfer(followUps: { text: string }[] = []): Promise<PausedApproval> {
  const paused = await pauseOnTransfer(env, followUps);
  const session = await env.client.session(paused.threadId, paused.userId);
  const call = session.state_snapshot.pending_tool_calls[0];
  expect(call?.status).toBe("PENDING_APPROVAL");
  // The fixture's TTL, not a timing: expires_at is requested_at + 1 s.
  expect(Date.parse(call?.expires_at ?? "") - Date.parse(call?.requested_at ?? "")).toBe(1000);
  expect(paused.interrupt.expiresAt).toBe(call?.expires_at);
  const expiresAt = Date.parse(paused.interrupt.expiresAt ?? "");
  await waitUntil(() => Date.now() > expiresAt + 250, "the approval to expire", 10_000);
  return paused;
}

describe("approval expiry (approval_ttl_seconds: 1 from a custom config directory)", () => {
  it("accepts a late approval in the api, then the worker refuses it with RUN_ERROR INTERRUPT_EXPIRED; the call becomes EXPIRED and the tool never runs", async () => {
    const expired = await expiredTransfer([{ text: "Sorry, that approval expired." }]);
    const { userId, threadId, tag, callId } = expired;
    const resumeRunId = uniqueId("run");

    const events = await env.client.stream(`${RUNS_PATH}/${expired.firstRunId}/resume`, userId, {
      run_id: resumeRunId,
      approvals: [{ tool_call_id: callId, approved: true }],
    });

    expect(types(events)).toEqual([EventType.RUN_STARTED, EventType.RUN_ERROR]);
    const [error] = eventsOf<RunErrorEvent>(events, EventType.RUN_ERROR);
    expect(error?.code).toBe("INTERRUPT_EXPIRED");
    const run = await env.client.runOf(resumeRunId, userId);
    expect(run).toMatchObject({
      kind: "resume",
      parent_run_id: expired.firstRunId,
      status: "failed",
      error: { code: "INTERRUPT_EXPIRED" },
    });

    expect(await env.db.toolExecutions(callId)).toEqual([]);
    const session = await env.client.session(threadId, userId);
    expect(session).toMatchObject({ status: "failed", active_run_id: null });
    expect(session.state_snapshot.pending_tool_calls).toEqual([
      expect.objectContaining({ tool_call_id: callId, status: "EXPIRED" }),
    ]);
    expect(session.state_snapshot.pending_tool_calls[0]).not.toHaveProperty("decided_by");
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.correlation_error",
        run_id: resumeRunId,
        error_code: "INTERRUPT_EXPIRED",
        payload: expect.objectContaining({ tool_call_ids: [callId] }),
      }),
      expect.objectContaining({
        actor: "system",
        action: "tool_call.expired",
        run_id: resumeRunId,
        tool_call_id: callId,
      }),
    ]);
    // The expired call got exactly one (refusal) tool message, so the history stays valid.
    const rows = await env.db.messages(threadId);
    expect(rows.map((row) => row.role)).toEqual(["user", "assistant", "tool"]);
    expect(rows[2]?.tool_call_id).toBe(callId);
    expect(JSON.parse(rows[2]?.content ?? "{}")).toMatchObject({ status: "expired" });
    expect(env.conversations.requests(tag)).toHaveLength(1);

    // Nothing waits any more: the next user turn runs, and the model sees the expiry.
    const nextRunId = uniqueId("run");
    const next = await env.client.stream(RUNS_PATH, userId, {
      threadId,
      runId: nextRunId,
      messages: [{ id: uniqueId("msg"), role: "user", content: "Did it go through?" }],
      tools: [],
      context: [],
      forwardedProps: SINGLE_STAGE,
    });
    const [finished] = eventsOf<RunFinishedEvent>(next, EventType.RUN_FINISHED);
    expect(finished?.outcome).toEqual({ type: "success" });
    const sent = sentToolResults(env.conversations.request(tag, 1));
    expect(sent.map((entry) => entry.toolCallId)).toEqual([callId]);
    expect(sent[0]?.content).toContain("expired");
  });

  it('accepts status "cancelled" for an expired interrupt (as AG-UI allows): the call is rejected and the run continues', async () => {
    const expired = await expiredTransfer([{ text: "Alright, nothing was sent." }]);
    const { userId, threadId, callId, agent, interrupt } = expired;

    const runId = uniqueId("run");
    const events = await env.client.run(agent, {
      runId,
      forwardedProps: SINGLE_STAGE,
      resume: [{ interruptId: interrupt.id, status: "cancelled" }],
    });

    const [finished] = eventsOf<RunFinishedEvent>(events, EventType.RUN_FINISHED);
    expect(finished?.outcome).toEqual({ type: "success" });
    const results = eventsOf<ToolCallResultEvent>(events, EventType.TOOL_CALL_RESULT);
    expect(results.map((result) => result.toolCallId)).toEqual([callId]);
    expect(JSON.parse(resultText(results[0]))).toEqual({
      status: "rejected",
      reason: "cancelled by the client",
    });
    expect(await env.db.toolExecutions(callId)).toEqual([]);
    const session = await env.client.session(threadId, userId);
    expect(session.status).toBe("idle");
    expect(session.state_snapshot.pending_tool_calls).toEqual([
      expect.objectContaining({ tool_call_id: callId, status: "REJECTED", decided_by: userId }),
    ]);
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.rejected",
        run_id: runId,
        tool_call_id: callId,
        payload: { tool_name: TRANSFER_TOOL, reason: "cancelled by the client" },
      }),
    ]);
  });
});
