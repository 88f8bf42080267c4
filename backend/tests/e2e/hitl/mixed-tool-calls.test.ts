import {
  type BaseEvent,
  EventType,
  type RunFinishedEvent,
  type ToolCallEndEvent,
  type ToolCallResultEvent,
} from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { eventsOf, RUNS_PATH, refusalOf, resultText } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentToolResults } from "../../support/hitl-scripted-conversations.js";
import {
  newToolCallId,
  PICK_COLOR_TOOL,
  pickColorCall,
  SINGLE_STAGE,
  TRANSFER_TOOL,
  transferCall,
} from "../../support/hitl-tools.js";

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

function shape(events: readonly BaseEvent[]): string[] {
  return events.map((event) => event.type).filter((type) => type !== EventType.TOOL_CALL_ARGS);
}

describe("a frontend call and an approval call in one model step", () => {
  it("interrupts once; a resume answering only one call gets 409 TOOL_RESULTS_INCOMPLETE and changes nothing; answering both continues", async () => {
    const userId = uniqueId("user");
    const threadId = uniqueId("thread");
    const { tag, say } = env.conversations.newConversation();
    const frontendId = newToolCallId();
    const approvalId = newToolCallId();
    env.conversations.script(
      tag,
      { toolCalls: [pickColorCall(frontendId), transferCall(approvalId)] },
      { text: "Colour noted and the money is on its way." },
    );
    const agent = await env.client.agent({
      userId,
      threadId,
      messages: [
        { id: uniqueId("msg"), role: "user", content: say("Pick a colour and pay Bob 25 EUR") },
      ],
    });
    const firstRunId = uniqueId("run");

    const first = await env.client.run(agent, {
      runId: firstRunId,
      tools: [PICK_COLOR_TOOL],
      forwardedProps: SINGLE_STAGE,
    });

    // One pause for both calls: one RUN_FINISHED, one interrupt (the approval). The two
    // calls' START/END may interleave (legal in AG-UI), so their ENDs are counted apart.
    expect(shape(first).filter((type) => type !== EventType.TOOL_CALL_END)).toEqual([
      EventType.RUN_STARTED,
      EventType.STEP_STARTED,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_START,
      EventType.STEP_FINISHED,
      EventType.STATE_SNAPSHOT,
      EventType.MESSAGES_SNAPSHOT,
      EventType.RUN_FINISHED,
    ]);
    expect(
      eventsOf<ToolCallEndEvent>(first, EventType.TOOL_CALL_END)
        .map((event) => event.toolCallId)
        .sort(),
    ).toEqual([frontendId, approvalId].sort());
    const [finished] = eventsOf<RunFinishedEvent>(first, EventType.RUN_FINISHED);
    const outcome = finished?.outcome;
    if (outcome?.type !== "interrupt") throw new Error(`run 1 ended with ${outcome?.type}`);
    const { interrupts } = outcome;
    expect(interrupts).toHaveLength(1);
    expect(interrupts[0]).toMatchObject({ reason: "tool_call", toolCallId: approvalId });
    expect(eventsOf(first, EventType.TOOL_CALL_RESULT)).toEqual([]);
    const paused = await env.client.session(threadId, userId);
    expect(paused.status).toBe("interrupted");
    expect(
      paused.state_snapshot.pending_tool_calls.map((call) => [
        call.tool_call_id,
        call.mode,
        call.status,
      ]),
    ).toEqual([
      [frontendId, "FRONTEND_EXECUTE", "PENDING_APPROVAL"],
      [approvalId, "BACKEND_APPROVAL_INTERRUPT", "PENDING_APPROVAL"],
    ]);

    const interruptId = interrupts[0]?.id ?? "";
    const approve = { interruptId, status: "resolved" as const, payload: { approved: true } };

    // Only the approval: the frontend call is left unanswered.
    const approvalOnly = await refusalOf(
      agent.runAgent({
        runId: uniqueId("run"),
        tools: [PICK_COLOR_TOOL],
        forwardedProps: SINGLE_STAGE,
        resume: [approve],
      }),
    );
    expect(approvalOnly.status).toBe(409);
    expect(approvalOnly.payload.error).toMatchObject({
      code: "TOOL_RESULTS_INCOMPLETE",
      details: { tool_call_ids: [frontendId] },
    });

    // Only the frontend result: the approval is left unanswered.
    const toolMessage = {
      id: uniqueId("tool-msg"),
      role: "tool" as const,
      toolCallId: frontendId,
      content: '{"color":"red"}',
    };
    const resultOnly = await refusalOf(
      env.client.stream(RUNS_PATH, userId, {
        threadId,
        runId: uniqueId("run"),
        messages: [...agent.messages, toolMessage],
        tools: [PICK_COLOR_TOOL],
        context: [],
        forwardedProps: SINGLE_STAGE,
      }),
    );
    expect(resultOnly.status).toBe(409);
    expect(resultOnly.payload.error).toMatchObject({
      code: "TOOL_RESULTS_INCOMPLETE",
      details: { tool_call_ids: [approvalId] },
    });

    // Nothing changed: same snapshot version, no new run, only the refusals audited.
    const unchanged = await env.client.session(threadId, userId);
    expect(unchanged.version).toBe(paused.version);
    expect(unchanged.state_snapshot).toEqual(paused.state_snapshot);
    expect((await env.db.runs(threadId)).map((run) => run.id)).toEqual([firstRunId]);
    expect((await env.db.messages(threadId)).map((row) => row.role)).toEqual(["user", "assistant"]);
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.correlation_error",
        error_code: "TOOL_RESULTS_INCOMPLETE",
        payload: expect.objectContaining({ tool_call_ids: [frontendId], checked_by: "api" }),
      }),
      expect.objectContaining({
        actor: userId,
        action: "tool_call.correlation_error",
        error_code: "TOOL_RESULTS_INCOMPLETE",
        payload: expect.objectContaining({ tool_call_ids: [approvalId], checked_by: "api" }),
      }),
    ]);
    expect(env.conversations.requests(tag)).toHaveLength(1);

    // Both answered: the approved transfer runs on the backend and the model continues.
    agent.addMessage(toolMessage);
    const resumeRunId = uniqueId("run");
    const second = await env.client.run(agent, {
      runId: resumeRunId,
      tools: [PICK_COLOR_TOOL],
      forwardedProps: SINGLE_STAGE,
      resume: [approve],
    });

    const [done] = eventsOf<RunFinishedEvent>(second, EventType.RUN_FINISHED);
    expect(done?.outcome).toEqual({ type: "success" });
    const results = eventsOf<ToolCallResultEvent>(second, EventType.TOOL_CALL_RESULT);
    expect(results.map((result) => result.toolCallId)).toEqual([approvalId]);
    expect(JSON.parse(resultText(results[0]))).toMatchObject({ status: "completed" });
    expect(await env.db.toolExecutions(approvalId)).toEqual([
      expect.objectContaining({ idempotency_key: `${resumeRunId}:${approvalId}`, attempts: 1 }),
    ]);
    expect(await env.db.toolExecutions(frontendId)).toEqual([]);
    const sent = sentToolResults(env.conversations.request(tag, 1));
    expect(sent).toEqual([
      { toolCallId: frontendId, content: '{"color":"red"}' },
      { toolCallId: approvalId, content: resultText(results[0]) },
    ]);
    const rows = await env.db.messages(threadId);
    expect(rows.map((row) => [row.seq, row.role, row.tool_call_id])).toEqual([
      [1, "user", null],
      [2, "assistant", null],
      [3, "tool", frontendId],
      [4, "tool", approvalId],
      [5, "assistant", null],
    ]);
    expect(rows[2]?.id).toBe(toolMessage.id);
    const settled = await env.client.session(threadId, userId);
    expect(settled.status).toBe("idle");
    expect(
      settled.state_snapshot.pending_tool_calls.map((call) => [call.tool_call_id, call.status]),
    ).toEqual([
      [frontendId, "EXECUTED"],
      [approvalId, "EXECUTED"],
    ]);
    expect((await env.db.audit(threadId)).slice(2)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.executed",
        run_id: resumeRunId,
        tool_call_id: frontendId,
        error_code: null,
        payload: { tool_name: PICK_COLOR_TOOL.name },
      }),
      expect.objectContaining({
        actor: userId,
        action: "tool_call.approved",
        run_id: resumeRunId,
        tool_call_id: approvalId,
        error_code: null,
        payload: { tool_name: TRANSFER_TOOL },
      }),
      // The server ran the approved call (actor system), with its tool message.
      expect.objectContaining({
        actor: "system",
        action: "tool_call.executed",
        run_id: resumeRunId,
        tool_call_id: approvalId,
        payload: { tool_name: TRANSFER_TOOL, outcome: "succeeded", attempts: 1 },
      }),
    ]);
  });
});
