import {
  type BaseEvent,
  EventType,
  type RunFinishedEvent,
  type RunStartedEvent,
  type TextMessageContentEvent,
  type TextMessageStartEvent,
  type ToolCallArgsEvent,
  type ToolCallStartEvent,
} from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MISSING_RESULT } from "../../../src/core/agent/infrastructure/crew/index.js";
import { uniqueId } from "../../support/database.js";
import { eventsOf, refusalOf } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import {
  offeredFunctionNames,
  sentToolResults,
} from "../../support/hitl-scripted-conversations.js";
import { pauseOnFrontendCall } from "../../support/hitl-threads.js";
import {
  PICK_COLOR_FUNCTION,
  PICK_COLOR_TOOL,
  SINGLE_STAGE,
  TRANSFER_FUNCTION,
} from "../../support/hitl-tools.js";

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

/** Event types without the argument deltas (their number depends on the provider chunks). */
function shape(events: readonly BaseEvent[]): string[] {
  return events.map((event) => event.type).filter((type) => type !== EventType.TOOL_CALL_ARGS);
}

function finishedOf(events: readonly BaseEvent[]): RunFinishedEvent {
  const [finished] = eventsOf<RunFinishedEvent>(events, EventType.RUN_FINISHED);
  if (!finished) throw new Error("no RUN_FINISHED");
  return finished;
}

describe("frontend tool round trip (HttpAgent, separate api and worker)", () => {
  it("ends run 1 with pendingToolCallIds, continues with the client's result, and stores user, assistant(tool_calls), tool, assistant in consecutive seq", async () => {
    const thread = await pauseOnFrontendCall(env, [{ text: ["You picked ", "teal."] }]);
    const { userId, threadId, tag, callId, agent } = thread;

    // Run 1: the call is streamed without a result and the run ends with the pending id.
    expect(shape(thread.events)).toEqual([
      EventType.RUN_STARTED,
      EventType.STEP_STARTED,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_END,
      EventType.STEP_FINISHED,
      EventType.RUN_FINISHED,
    ]);
    const [start] = eventsOf<ToolCallStartEvent>(thread.events, EventType.TOOL_CALL_START);
    expect(start).toMatchObject({ toolCallId: callId, toolCallName: PICK_COLOR_TOOL.name });
    const args = eventsOf<ToolCallArgsEvent>(thread.events, EventType.TOOL_CALL_ARGS)
      .map((event) => event.delta)
      .join("");
    expect(JSON.parse(args)).toEqual({ palette: "warm" });
    expect(finishedOf(thread.events).outcome).toEqual({
      type: "success",
      pendingToolCallIds: [callId],
    });
    expect(offeredFunctionNames(env.conversations.request(tag, 0))).toEqual(
      expect.arrayContaining([PICK_COLOR_FUNCTION, TRANSFER_FUNCTION]),
    );

    // Between the runs: the call waits as FRONTEND_EXECUTE, with no result anywhere.
    const paused = await env.client.session(threadId, userId);
    expect(paused.status).toBe("interrupted");
    expect(paused.state_snapshot.pending_tool_calls).toHaveLength(1);
    const waiting = paused.state_snapshot.pending_tool_calls[0];
    expect(waiting).toMatchObject({
      tool_call_id: callId,
      tool_name: PICK_COLOR_TOOL.name,
      mode: "FRONTEND_EXECUTE",
      status: "PENDING_APPROVAL",
      args: { palette: "warm" },
    });
    expect(waiting).not.toHaveProperty("result");
    expect((await env.db.messages(threadId)).map((row) => row.role)).toEqual(["user", "assistant"]);
    expect((await env.client.runOf(thread.firstRunId, userId)).status).toBe("interrupted");

    // The client runs the tool and sends its result with the next run.
    const toolMessageId = uniqueId("tool-msg");
    agent.addMessage({
      id: toolMessageId,
      role: "tool",
      toolCallId: callId,
      content: '{"color":"teal"}',
    });
    const secondRunId = uniqueId("run");
    const second = await env.client.run(agent, {
      runId: secondRunId,
      tools: [PICK_COLOR_TOOL],
      forwardedProps: SINGLE_STAGE,
    });

    expect(shape(second)).toEqual([
      EventType.RUN_STARTED,
      EventType.STEP_STARTED,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.STEP_FINISHED,
      EventType.RUN_FINISHED,
    ]);
    const [started] = eventsOf<RunStartedEvent>(second, EventType.RUN_STARTED);
    expect(started).toMatchObject({ threadId, runId: secondRunId, parentRunId: thread.firstRunId });
    expect(finishedOf(second).outcome?.type).toBe("success");
    expect(finishedOf(second).outcome).not.toHaveProperty("pendingToolCallIds");
    const text = eventsOf<TextMessageContentEvent>(second, EventType.TEXT_MESSAGE_CONTENT)
      .map((event) => event.delta)
      .join("");
    expect(text).toBe("You picked teal.");
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "You picked teal." });

    // The model saw the client's result, exactly once, for the original call id.
    expect(env.conversations.requests(tag)).toHaveLength(2);
    expect(sentToolResults(env.conversations.request(tag, 1))).toEqual([
      { toolCallId: callId, content: '{"color":"teal"}' },
    ]);

    // The history: consecutive seq, the streamed ids, the client's tool message id.
    const rows = await env.db.messages(threadId);
    expect(rows.map((row) => [row.seq, row.role])).toEqual([
      [1, "user"],
      [2, "assistant"],
      [3, "tool"],
      [4, "assistant"],
    ]);
    const [textStart] = eventsOf<TextMessageStartEvent>(second, EventType.TEXT_MESSAGE_START);
    expect(rows.map((row) => row.id)).toEqual([
      thread.userMessageId,
      start?.parentMessageId,
      toolMessageId,
      textStart?.messageId,
    ]);
    expect(rows[1]?.tool_calls).toEqual([
      {
        id: callId,
        type: "function",
        function: { name: PICK_COLOR_TOOL.name, arguments: '{"palette":"warm"}' },
      },
    ]);
    expect(rows[2]).toMatchObject({
      tool_call_id: callId,
      content: '{"color":"teal"}',
      run_id: secondRunId,
      error: null,
    });
    expect(rows[3]).toMatchObject({ content: "You picked teal.", run_id: secondRunId });
    expect(rows.some((row) => row.content === MISSING_RESULT)).toBe(false);

    const settled = await env.client.session(threadId, userId);
    expect(settled).toMatchObject({ status: "idle", active_run_id: null, last_seq: 4 });
    expect(settled.state_snapshot.pending_tool_calls).toEqual([
      expect.objectContaining({
        tool_call_id: callId,
        status: "EXECUTED",
        decided_by: userId,
        result: { content: '{"color":"teal"}' },
      }),
    ]);
    expect(await env.db.runs(threadId)).toEqual([
      expect.objectContaining({ id: thread.firstRunId, kind: "run", status: "interrupted" }),
      expect.objectContaining({
        id: secondRunId,
        kind: "resume",
        parent_run_id: thread.firstRunId,
        status: "succeeded",
      }),
    ]);
    expect(await env.db.toolExecutions(callId)).toEqual([]);
  });

  it("refuses a new user turn while the frontend call is pending with 409 TOOL_RESULTS_INCOMPLETE, and changes nothing", async () => {
    const thread = await pauseOnFrontendCall(env);
    const { userId, threadId, callId, agent } = thread;
    const before = await env.client.session(threadId, userId);

    agent.addMessage({ id: uniqueId("msg"), role: "user", content: "Never mind, hello again" });
    const refusal = await refusalOf(
      agent.runAgent({
        runId: uniqueId("run"),
        tools: [PICK_COLOR_TOOL],
        forwardedProps: SINGLE_STAGE,
      }),
    );

    expect(refusal.status).toBe(409);
    expect(refusal.payload.error).toMatchObject({
      code: "TOOL_RESULTS_INCOMPLETE",
      details: { tool_call_ids: [callId] },
    });
    const after = await env.client.session(threadId, userId);
    expect(after.version).toBe(before.version);
    expect(after.status).toBe("interrupted");
    expect(after.state_snapshot).toEqual(before.state_snapshot);
    expect((await env.db.runs(threadId)).map((run) => run.id)).toEqual([thread.firstRunId]);
    expect((await env.db.messages(threadId)).map((row) => row.role)).toEqual(["user", "assistant"]);
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({
        actor: userId,
        action: "tool_call.correlation_error",
        error_code: "TOOL_RESULTS_INCOMPLETE",
        payload: expect.objectContaining({ tool_call_ids: [callId], checked_by: "api" }),
      }),
    ]);
  });

  it("accepts a new user turn that carries the pending tool result, as a resume", async () => {
    const thread = await pauseOnFrontendCall(env, [{ text: "Teal it is. Hello again!" }]);
    const { userId, threadId, tag, callId, agent } = thread;
    const toolMessageId = uniqueId("tool-msg");
    const secondUserId = uniqueId("msg");
    agent.addMessage({ id: toolMessageId, role: "tool", toolCallId: callId, content: "teal" });
    agent.addMessage({ id: secondUserId, role: "user", content: "And hello again" });

    const runId = uniqueId("run");
    const events = await env.client.run(agent, {
      runId,
      tools: [PICK_COLOR_TOOL],
      forwardedProps: SINGLE_STAGE,
    });

    expect(finishedOf(events).outcome?.type).toBe("success");
    const rows = await env.db.messages(threadId);
    expect(rows.map((row) => [row.seq, row.role, row.id])).toEqual([
      [1, "user", thread.userMessageId],
      [2, "assistant", expect.any(String)],
      [3, "tool", toolMessageId],
      [4, "user", secondUserId],
      [5, "assistant", expect.any(String)],
    ]);
    expect(sentToolResults(env.conversations.request(tag, 1))).toEqual([
      { toolCallId: callId, content: "teal" },
    ]);
    expect(await env.db.runs(threadId)).toEqual([
      expect.objectContaining({ id: thread.firstRunId, status: "interrupted" }),
      expect.objectContaining({ id: runId, kind: "resume", status: "succeeded" }),
    ]);
    expect((await env.client.session(threadId, userId)).status).toBe("idle");
  });
});
