import {
  type BaseEvent,
  EventType,
  type MessagesSnapshotEvent,
  type ResumeEntry,
  type RunFinishedEvent,
  type ToolCallResultEvent,
} from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { eventsOf, resultText } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentToolResults } from "../../support/hitl-scripted-conversations.js";
import { type PausedApproval, pauseOnTransfer } from "../../support/hitl-threads.js";
import { SINGLE_STAGE, TRANSFER_ARGS, TRANSFER_TOOL } from "../../support/hitl-tools.js";

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

function shape(events: readonly BaseEvent[]): string[] {
  return events.map((event) => event.type).filter((type) => type !== EventType.TOOL_CALL_ARGS);
}

function outcomeOf(events: readonly BaseEvent[]): RunFinishedEvent["outcome"] {
  const [finished] = eventsOf<RunFinishedEvent>(events, EventType.RUN_FINISHED);
  if (!finished) throw new Error(`no RUN_FINISHED in ${shape(events).join(", ")}`);
  return finished.outcome;
}

function pausedTransfer(followUpText: string): Promise<PausedApproval> {
  return pauseOnTransfer(env, [{ text: followUpText }]);
}

async function resume(paused: PausedApproval, entry: Omit<ResumeEntry, "interruptId">) {
  const runId = uniqueId("run");
  const events = await env.client.run(paused.agent, {
    runId,
    forwardedProps: SINGLE_STAGE,
    resume: [{ interruptId: paused.interrupt.id, ...entry } as ResumeEntry],
  });
  const results = eventsOf<ToolCallResultEvent>(events, EventType.TOOL_CALL_RESULT);
  return { runId, events, results };
}

/** The resume run's events: the result on the original call id, then the model's answer. */
function expectResumeShape(events: readonly BaseEvent[]) {
  expect(shape(events)).toEqual([
    EventType.RUN_STARTED,
    EventType.STEP_STARTED,
    EventType.TOOL_CALL_RESULT,
    EventType.TEXT_MESSAGE_START,
    EventType.TEXT_MESSAGE_CONTENT,
    EventType.TEXT_MESSAGE_END,
    EventType.STEP_FINISHED,
    EventType.RUN_FINISHED,
  ]);
  expect(outcomeOf(events)).toEqual({ type: "success" });
}

async function settledCall(paused: PausedApproval) {
  const session = await env.client.session(paused.threadId, paused.userId);
  expect(session.status).toBe("idle");
  expect(session.state_snapshot.pending_tool_calls).toHaveLength(1);
  return session.state_snapshot.pending_tool_calls[0];
}

describe("approval-gated backend tool (HttpAgent resume entries)", () => {
  it("pauses with STATE_SNAPSHOT, MESSAGES_SNAPSHOT and an interrupt outcome; approved, the backend runs the tool once and the model continues", async () => {
    const paused = await pausedTransfer("Done, the transfer went through.");
    const { userId, threadId, callId, interrupt } = paused;

    expect(shape(paused.events)).toEqual([
      EventType.RUN_STARTED,
      EventType.STEP_STARTED,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_END,
      EventType.STEP_FINISHED,
      EventType.STATE_SNAPSHOT,
      EventType.MESSAGES_SNAPSHOT,
      EventType.RUN_FINISHED,
    ]);
    expect(interrupt).toMatchObject({
      id: expect.any(String),
      reason: "tool_call",
      toolCallId: callId,
      responseSchema: expect.objectContaining({ required: ["approved"] }),
      expiresAt: expect.any(String),
    });
    expect(paused.agent.pendingInterrupts).toEqual([interrupt]);
    const pausedSession = await env.client.session(threadId, userId);
    expect(pausedSession.status).toBe("interrupted");
    const pending = pausedSession.state_snapshot.pending_tool_calls[0];
    expect(pending).toMatchObject({
      tool_call_id: callId,
      tool_name: TRANSFER_TOOL,
      mode: "BACKEND_APPROVAL_INTERRUPT",
      status: "PENDING_APPROVAL",
      interrupt_id: interrupt.id,
      expires_at: interrupt.expiresAt,
      args: TRANSFER_ARGS,
    });
    // tools.yaml: approval_ttl_seconds 3600.
    expect(Date.parse(pending?.expires_at ?? "") - Date.parse(pending?.requested_at ?? "")).toBe(
      3_600_000,
    );
    const [snapshot] = eventsOf<MessagesSnapshotEvent>(paused.events, EventType.MESSAGES_SNAPSHOT);
    const storedIds = (await env.db.messages(threadId)).map((row) => row.id);
    expect(snapshot?.messages.map((message) => message.id)).toEqual(storedIds);
    expect(await env.db.toolExecutions(callId)).toEqual([]);

    const { runId, events, results } = await resume(paused, {
      status: "resolved",
      payload: { approved: true },
    });

    expectResumeShape(events);
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result?.toolCallId).toBe(callId);
    const receipt = JSON.parse(resultText(result));
    expect(receipt).toMatchObject({
      status: "completed",
      receipt_id: expect.stringMatching(/^TX-[0-9A-F]{12}$/),
      amount: 25,
      currency: "EUR",
      to_account: TRANSFER_ARGS.to_account,
    });
    expect(await env.db.toolExecutions(callId)).toEqual([
      {
        idempotency_key: `${runId}:${callId}`,
        tool_name: TRANSFER_TOOL,
        result: receipt,
        attempts: 1,
      },
    ]);
    expect(sentToolResults(env.conversations.request(paused.tag, 1))).toEqual([
      { toolCallId: callId, content: resultText(result) },
    ]);

    expect(await settledCall(paused)).toMatchObject({
      status: "EXECUTED",
      decided_by: userId,
      result: { content: resultText(result) },
    });
    expect(await env.db.audit(threadId)).toEqual([
      {
        actor: userId,
        action: "tool_call.approved",
        run_id: runId,
        tool_call_id: callId,
        error_code: null,
        payload: { tool_name: TRANSFER_TOOL },
      },
      {
        actor: "system",
        action: "tool_call.executed",
        run_id: runId,
        tool_call_id: callId,
        error_code: null,
        payload: { tool_name: TRANSFER_TOOL, outcome: "succeeded", attempts: 1 },
      },
    ]);
    const rows = await env.db.messages(threadId);
    expect(rows.map((row) => [row.seq, row.role])).toEqual([
      [1, "user"],
      [2, "assistant"],
      [3, "tool"],
      [4, "assistant"],
    ]);
    expect(rows[2]).toMatchObject({ id: result?.messageId, tool_call_id: callId });
    expect(paused.agent.pendingInterrupts).toEqual([]);
    expect(await env.db.runs(threadId)).toEqual([
      expect.objectContaining({ id: paused.firstRunId, status: "interrupted" }),
      expect.objectContaining({ id: runId, kind: "resume", status: "succeeded" }),
    ]);
  });

  it("runs the tool with the approver's edited_args, which replace the model's arguments", async () => {
    const paused = await pausedTransfer("Done, with your changes.");
    const { userId, threadId, callId } = paused;
    const edited = { amount: 10, currency: "USD", to_account: "GB33BUKB20201555555555" };

    const { runId, events, results } = await resume(paused, {
      status: "resolved",
      payload: { approved: true, edited_args: edited },
    });

    expectResumeShape(events);
    const receipt = JSON.parse(resultText(results[0]));
    expect(receipt).toMatchObject({ status: "completed", ...edited });
    const executions = await env.db.toolExecutions(callId);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ idempotency_key: `${runId}:${callId}`, attempts: 1 });
    expect(executions[0]?.result).toMatchObject(edited);
    expect(await settledCall(paused)).toMatchObject({
      status: "EXECUTED",
      decided_by: userId,
      args: TRANSFER_ARGS,
      edited_args: edited,
    });
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.approved",
        tool_call_id: callId,
        payload: { tool_name: TRANSFER_TOOL, edited_args: edited },
      }),
      expect.objectContaining({
        actor: "system",
        action: "tool_call.executed",
        tool_call_id: callId,
        payload: { tool_name: TRANSFER_TOOL, outcome: "succeeded", attempts: 1 },
      }),
    ]);
  });

  it("gives the model a refusal result when the approver rejects, and never runs the tool", async () => {
    const paused = await pausedTransfer("Understood, I did not send anything.");
    const { userId, threadId, callId, tag } = paused;

    const { runId, events, results } = await resume(paused, {
      status: "resolved",
      payload: { approved: false, reason: "Not this month" },
    });

    expectResumeShape(events);
    expect(results[0]?.toolCallId).toBe(callId);
    expect(JSON.parse(resultText(results[0]))).toEqual({
      status: "rejected",
      reason: "Not this month",
    });
    const sent = sentToolResults(env.conversations.request(tag, 1));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.toolCallId).toBe(callId);
    expect(JSON.parse(sent[0]?.content ?? "{}")).toEqual({
      status: "rejected",
      reason: "Not this month",
    });
    expect(await env.db.toolExecutions(callId)).toEqual([]);
    expect(await settledCall(paused)).toMatchObject({
      status: "REJECTED",
      decided_by: userId,
      reason: "Not this month",
    });
    expect(await env.db.audit(threadId)).toEqual([
      {
        actor: userId,
        action: "tool_call.rejected",
        run_id: runId,
        tool_call_id: callId,
        error_code: null,
        payload: { tool_name: TRANSFER_TOOL, reason: "Not this month" },
      },
    ]);
  });

  it('treats a resume entry with status "cancelled" as a rejection', async () => {
    const paused = await pausedTransfer("Cancelled, nothing was sent.");
    const { userId, threadId, callId, tag } = paused;

    const { events, results } = await resume(paused, { status: "cancelled" });

    expectResumeShape(events);
    expect(JSON.parse(resultText(results[0]))).toEqual({
      status: "rejected",
      reason: "cancelled by the client",
    });
    const sent = sentToolResults(env.conversations.request(tag, 1));
    expect(sent.map((entry) => entry.toolCallId)).toEqual([callId]);
    expect(sent[0]?.content).toContain("rejected");
    expect(await env.db.toolExecutions(callId)).toEqual([]);
    expect(await settledCall(paused)).toMatchObject({
      status: "REJECTED",
      decided_by: userId,
      reason: "cancelled by the client",
    });
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.rejected",
        tool_call_id: callId,
        payload: { tool_name: TRANSFER_TOOL, reason: "cancelled by the client" },
      }),
    ]);
  });
});
