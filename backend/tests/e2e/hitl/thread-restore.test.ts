import { EventType, type Message, type RunFinishedEvent } from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { eventsOf } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { pauseOnFrontendCall } from "../../support/hitl-threads.js";
import {
  newToolCallId,
  PICK_COLOR_TOOL,
  SINGLE_STAGE,
  TRANSFER_ARGS,
  transferCall,
} from "../../support/hitl-tools.js";

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

interface RestoredMessage {
  id: string;
  role: string;
  content?: unknown;
  toolCallId?: string;
  toolCalls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  metadata?: { seq?: number };
}

interface MessagePage {
  messages: RestoredMessage[];
  next_after_seq: number | null;
}

/** What a client renders of a message: id, role, text, tool call ids/names/args, result link. */
function view(message: RestoredMessage | Message) {
  const candidate = message as RestoredMessage;
  return {
    id: candidate.id,
    role: candidate.role,
    content: typeof candidate.content === "string" ? candidate.content : undefined,
    toolCallId: candidate.toolCallId,
    toolCalls: candidate.toolCalls?.map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    })),
  };
}

describe("thread restore: GET /sessions/{id}/messages", () => {
  it("returns the history in AG-UI shape with the streamed ids and one tool message per settled call, and a reloaded client can continue", async () => {
    const approvedId = newToolCallId();
    const rejectedId = newToolCallId();
    const paused = await pauseOnFrontendCall(env, [
      { text: "Teal is a fine choice." },
      { toolCalls: [transferCall(approvedId)] },
      { text: "Sent 25 EUR." },
      { toolCalls: [transferCall(rejectedId, { ...TRANSFER_ARGS, amount: 99 })] },
      { text: "I did not send the 99 EUR." },
      { text: "You are welcome." },
    ]);
    const { userId, threadId, agent, callId, say } = paused;
    const run = (parameters: Parameters<typeof agent.runAgent>[0] = {}) =>
      env.client.run(agent, {
        runId: uniqueId("run"),
        forwardedProps: SINGLE_STAGE,
        ...parameters,
      });
    const resumeFirstInterrupt = async (payload: Record<string, unknown>) => {
      const [interrupt] = agent.pendingInterrupts;
      if (!interrupt) throw new Error("no pending interrupt");
      return run({ resume: [{ interruptId: interrupt.id, status: "resolved", payload }] });
    };

    agent.addMessage({
      id: uniqueId("tool-msg"),
      role: "tool",
      toolCallId: callId,
      content: "teal",
    });
    await run({ tools: [PICK_COLOR_TOOL] });
    agent.addMessage({ id: uniqueId("msg"), role: "user", content: say("Send 25 EUR to Bob") });
    await run();
    await resumeFirstInterrupt({ approved: true });
    agent.addMessage({ id: uniqueId("msg"), role: "user", content: say("Send 99 EUR to Bob") });
    await run();
    await resumeFirstInterrupt({ approved: false, reason: "Too much" });

    const answer = await env.client.json<MessagePage>(
      "GET",
      `/api/v1/agent/sessions/${threadId}/messages`,
      userId,
    );
    expect(answer.status).toBe(200);
    const restored = answer.body.messages;
    expect(answer.body.next_after_seq).toBeNull();

    // Same messages, same ids, same order as the client built from the streams.
    expect(restored.map(view)).toEqual(agent.messages.map(view));
    expect(restored.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    expect(restored.map((message) => message.metadata?.seq)).toEqual(
      restored.map((_, index) => index + 1),
    );

    // Exactly one tool message per settled call (the snapshot keeps the latest run's calls).
    const calls = restored.flatMap((message) => message.toolCalls ?? []).map((call) => call.id);
    expect(calls).toEqual([callId, approvedId, rejectedId]);
    const toolMessages = restored.filter((message) => message.role === "tool");
    expect(toolMessages.map((message) => message.toolCallId)).toEqual(calls);
    const session = await env.client.session(threadId, userId);
    expect(
      session.state_snapshot.pending_tool_calls.map((call) => [call.tool_call_id, call.status]),
    ).toEqual([[rejectedId, "REJECTED"]]);
    expect(JSON.parse(String(toolMessages[2]?.content))).toEqual({
      status: "rejected",
      reason: "Too much",
    });

    // Paging with after_seq returns the same history in pieces.
    const pages: RestoredMessage[] = [];
    let afterSeq = 0;
    for (;;) {
      const page = await env.client.json<MessagePage>(
        "GET",
        `/api/v1/agent/sessions/${threadId}/messages?limit=5&after_seq=${afterSeq}`,
        userId,
      );
      pages.push(...page.body.messages);
      if (page.body.next_after_seq === null) break;
      afterSeq = page.body.next_after_seq;
    }
    expect(pages.map((message) => message.id)).toEqual(restored.map((message) => message.id));

    // After a reload, a new client seeded with the restored history continues the thread.
    const reloaded = await env.client.agent({
      userId,
      threadId,
      messages: [
        ...(restored as Message[]),
        { id: uniqueId("msg"), role: "user", content: "Thanks" },
      ],
    });
    const next = await env.client.run(reloaded, {
      runId: uniqueId("run"),
      forwardedProps: SINGLE_STAGE,
    });
    expect(eventsOf<RunFinishedEvent>(next, EventType.RUN_FINISHED)[0]?.outcome).toEqual({
      type: "success",
    });
    expect((await env.db.messages(threadId)).map((row) => row.role).slice(-2)).toEqual([
      "user",
      "assistant",
    ]);
    expect(await env.db.messages(threadId)).toHaveLength(14);
  });
});
