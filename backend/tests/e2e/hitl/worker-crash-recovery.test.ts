import {
  type BaseEvent,
  EventType,
  type RunFinishedEvent,
  type StepStartedEvent,
  type TextMessageContentEvent,
  type ToolCallResultEvent,
} from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { eventsOf, waitUntil } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentToolResults } from "../../support/hitl-scripted-conversations.js";
import { pauseOnTransfer } from "../../support/hitl-threads.js";
import { SINGLE_STAGE } from "../../support/hitl-tools.js";
import type { ServiceProcess } from "../../support/service-processes.js";

let env: HitlEnvironment;
let replacement: ServiceProcess | undefined;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(async () => {
  await replacement?.stop();
  await env?.stop();
});

function resultsFor(events: readonly BaseEvent[], toolCallId: string): ToolCallResultEvent[] {
  return eventsOf<ToolCallResultEvent>(events, EventType.TOOL_CALL_RESULT).filter(
    (event) => event.toolCallId === toolCallId,
  );
}

describe("a worker killed right after an approved tool executed", () => {
  it("does not execute the tool again when a new worker recovers the run, and the run completes", async () => {
    // Attempt 1's follow-up model call never answers (the worker dies in it); attempt 2's does.
    const paused = await pauseOnTransfer(env, [{ hangAfterChunks: 0 }, { text: "Transfer done." }]);
    const { userId, threadId, callId, tag } = paused;
    const runId = uniqueId("run");

    let toolResultSeen = false;
    const running = env.client.run(
      paused.agent,
      {
        runId,
        forwardedProps: SINGLE_STAGE,
        resume: [
          { interruptId: paused.interrupt.id, status: "resolved", payload: { approved: true } },
        ],
      },
      (event) => {
        if (event.type === EventType.TOOL_CALL_RESULT) toolResultSeen = true;
      },
    );
    const failed = running.then(
      () => undefined,
      (error: unknown) => error,
    );

    await waitUntil(() => toolResultSeen, "TOOL_CALL_RESULT on the stream");
    await waitUntil(
      () => env.conversations.requests(tag).length === 2,
      "the follow-up model call of attempt 1",
    );
    await env.services.worker.kill();

    // What attempt 1 left behind: the transfer executed once, the run still "running".
    expect(await env.db.toolExecutions(callId)).toEqual([
      expect.objectContaining({ idempotency_key: `${runId}:${callId}`, attempts: 1 }),
    ]);
    expect((await env.client.runOf(runId, userId)).status).toBe("running");

    replacement = await env.services.startWorker();
    const streamed = await running;
    expect(await failed).toBeUndefined();

    // The client's one stream: one result for the call, then the answer and success.
    expect(resultsFor(streamed, callId)).toHaveLength(1);
    const [finished] = eventsOf<RunFinishedEvent>(streamed, EventType.RUN_FINISHED);
    expect(finished?.outcome).toEqual({ type: "success" });
    expect(
      eventsOf<TextMessageContentEvent>(streamed, EventType.TEXT_MESSAGE_CONTENT)
        .map((event) => event.delta)
        .join(""),
    ).toBe("Transfer done.");

    // The run's stored events tell the same story. Documented shape: attempt 1's open step
    // is closed by a synthetic STEP_FINISHED before attempt 2 starts the step again.
    const stored = await env.client.storedEvents(runId, userId);
    expect(stored.map((event) => event.type)).toEqual([
      EventType.RUN_STARTED,
      EventType.STEP_STARTED, // attempt 1
      EventType.TOOL_CALL_RESULT,
      EventType.STEP_FINISHED, // closed by attempt 2 for the dead attempt
      EventType.STEP_STARTED, // attempt 2: no second TOOL_CALL_RESULT
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.STEP_FINISHED,
      EventType.RUN_FINISHED,
    ]);
    expect(resultsFor(stored, callId)).toHaveLength(1);
    expect(
      eventsOf<StepStartedEvent>(stored, EventType.STEP_STARTED).map((event) => event.stepName),
    ).toEqual(["respond", "respond"]);

    // The tool ran once; the run was started twice and succeeded.
    expect(await env.db.toolExecutions(callId)).toEqual([
      expect.objectContaining({ idempotency_key: `${runId}:${callId}`, attempts: 1 }),
    ]);
    expect(await env.client.runOf(runId, userId)).toMatchObject({
      status: "succeeded",
      attempts: 2,
    });
    const rows = await env.db.messages(threadId);
    expect(rows.map((row) => [row.seq, row.role])).toEqual([
      [1, "user"],
      [2, "assistant"],
      [3, "tool"],
      [4, "assistant"],
    ]);
    expect(rows[2]?.tool_call_id).toBe(callId);
    expect(rows[3]?.content).toBe("Transfer done.");

    // Both attempts' follow-up calls carried the same single result.
    expect(env.conversations.requests(tag)).toHaveLength(3);
    const expected = [{ toolCallId: callId, content: resultsFor(stored, callId)[0]?.content }];
    expect(sentToolResults(env.conversations.request(tag, 1))).toEqual(expected);
    expect(sentToolResults(env.conversations.request(tag, 2))).toEqual(expected);

    const session = await env.client.session(threadId, userId);
    expect(session.status).toBe("idle");
    expect(session.state_snapshot.pending_tool_calls).toEqual([
      expect.objectContaining({ tool_call_id: callId, status: "EXECUTED" }),
    ]);
    expect(
      (await env.db.audit(threadId)).filter((row) => row.action === "tool_call.approved"),
    ).toHaveLength(1);
  }, 90_000);
});
