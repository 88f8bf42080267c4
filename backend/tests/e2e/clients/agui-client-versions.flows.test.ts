import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentLike,
  CLIENT_VERSIONS,
  type ClientVersion,
  VersionedClient,
} from "../../support/agui-client-versions.js";
import { uniqueId } from "../../support/database.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import {
  newToolCallId,
  PICK_COLOR_TOOL,
  pickColorCall,
  SINGLE_STAGE,
  TRANSFER_ARGS,
  transferCall,
} from "../../support/hitl-tools.js";

/*
 * Every flow with every client release in use: @ag-ui/client 1.0 (declares protocol 1.0) and
 * the pre-1.0 releases CopilotKit ships (0.0.59 in 1.74/1.75, 0.0.57 in 1.61), which get the
 * pre-1.0 dialect. Each flow asserts what the client ends up with, that every event on the wire
 * passes that release's own schema (the clients also run their own parser and verifyEvents),
 * and what Postgres stored.
 */

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

interface Thread {
  client: VersionedClient;
  agent: AgentLike;
  userId: string;
  threadId: string;
  tag: string;
}

async function newThread(version: ClientVersion, text: string): Promise<Thread> {
  const client = new VersionedClient(version, env.services.baseUrl);
  const userId = uniqueId("user");
  const threadId = uniqueId("thread");
  const { tag, say } = env.conversations.newConversation();
  const agent = await client.agent({
    userId,
    threadId,
    messages: [{ id: uniqueId("m"), role: "user", content: say(text) }],
  });
  return { client, agent, userId, threadId, tag };
}

function lastAssistantText(agent: AgentLike): string | undefined {
  const last = agent.messages.filter((message) => message.role === "assistant").at(-1);
  return typeof last?.content === "string" ? last.content : undefined;
}

function finishedEvents(events: Record<string, unknown>[]) {
  return events.filter((event) => event.type === "RUN_FINISHED");
}

async function expectWireValid(client: VersionedClient) {
  expect(await client.invalidWireEvents()).toEqual([]);
}

describe.each(CLIENT_VERSIONS)("@ag-ui/client $version ($usedBy)", (version) => {
  const preOne = version.version !== "1.0.0";

  it("chat: streams the reply; user and assistant turns are stored", async () => {
    const thread = await newThread(version, "Hello there");
    env.conversations.script(thread.tag, { text: ["Hi! ", "How can I help?"] });
    const types = await thread.client.run(thread.agent, { forwardedProps: SINGLE_STAGE });

    expect(types).toContain("TEXT_MESSAGE_CONTENT");
    expect(types.at(-1)).toBe("RUN_FINISHED");
    expect(lastAssistantText(thread.agent)).toBe("Hi! How can I help?");
    await expectWireValid(thread.client);
    const rows = await env.db.messages(thread.threadId);
    expect(rows.map((row) => [row.role, row.content])).toEqual([
      ["user", expect.stringContaining("Hello there")],
      ["assistant", "Hi! How can I help?"],
    ]);
  });

  it("backend tool: the server runs it and streams its result; the call and its result are stored", async () => {
    const thread = await newThread(version, "What time is it?");
    const callId = newToolCallId();
    env.conversations.script(
      thread.tag,
      { toolCalls: [{ id: callId, name: "srv_get_current_time", arguments: { timezone: "UTC" } }] },
      { text: "It is time." },
    );
    const types = await thread.client.run(thread.agent, { forwardedProps: SINGLE_STAGE });

    expect(types).toContain("TOOL_CALL_RESULT");
    const toolMessage = thread.agent.messages.find(
      (message) =>
        message.role === "tool" && (message as { toolCallId?: string }).toolCallId === callId,
    );
    expect(JSON.parse(String(toolMessage?.content))).toMatchObject({ timezone: "UTC" });
    expect(lastAssistantText(thread.agent)).toBe("It is time.");
    await expectWireValid(thread.client);
    const rows = await env.db.messages(thread.threadId);
    expect(rows.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(rows[2]?.tool_call_id).toBe(callId);
  });

  it("frontend tool round trip: the call reaches the client, its result continues the run", async () => {
    const thread = await newThread(version, "Let me pick a colour");
    const callId = newToolCallId();
    env.conversations.script(
      thread.tag,
      { toolCalls: [pickColorCall(callId)] },
      { text: "Teal it is." },
    );
    await thread.client.run(thread.agent, {
      tools: [PICK_COLOR_TOOL],
      forwardedProps: SINGLE_STAGE,
    });

    const [finished] = finishedEvents(await thread.client.wireEvents());
    // 1.0 names the pending call; the pre-1.0 success outcome cannot (its schema is strict).
    expect(finished?.outcome).toEqual(
      preOne ? { type: "success" } : { type: "success", pendingToolCallIds: [callId] },
    );
    const call = thread.agent.messages
      .flatMap(
        (message) => (message.toolCalls ?? []) as { id: string; function: { name: string } }[],
      )
      .find((candidate) => candidate.id === callId);
    expect(call?.function.name).toBe(PICK_COLOR_TOOL.name);

    thread.agent.addMessage({
      id: uniqueId("m"),
      role: "tool",
      toolCallId: callId,
      content: JSON.stringify({ color: "teal" }),
    });
    await thread.client.run(thread.agent, {
      tools: [PICK_COLOR_TOOL],
      forwardedProps: SINGLE_STAGE,
    });

    expect(lastAssistantText(thread.agent)).toBe("Teal it is.");
    await expectWireValid(thread.client);
    const rows = await env.db.messages(thread.threadId);
    expect(rows.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(rows[2]).toMatchObject({ tool_call_id: callId, content: '{"color":"teal"}' });
  });

  describe("approval", () => {
    async function pauseOnTransfer(followUp: string) {
      const thread = await newThread(version, "Send 25 EUR to my landlord");
      const callId = newToolCallId();
      env.conversations.script(
        thread.tag,
        { toolCalls: [transferCall(callId)] },
        { text: followUp },
      );
      await thread.client.run(thread.agent, { forwardedProps: SINGLE_STAGE });
      const [interrupt] = thread.agent.pendingInterrupts;
      expect(interrupt?.toolCallId).toBe(callId);
      return { ...thread, callId, interruptId: interrupt?.id as string };
    }

    it("approve: the server runs the approved call and streams its result", async () => {
      const paused = await pauseOnTransfer("Sent.");
      await paused.client.run(paused.agent, {
        resume: [
          { interruptId: paused.interruptId, status: "resolved", payload: { approved: true } },
        ],
        forwardedProps: SINGLE_STAGE,
      });

      expect(lastAssistantText(paused.agent)).toBe("Sent.");
      await expectWireValid(paused.client);
      const executions = await env.db.toolExecutions(paused.callId);
      expect(executions).toHaveLength(1);
      expect(executions[0]?.result).toMatchObject({
        status: "completed",
        amount: TRANSFER_ARGS.amount,
      });
      const audit = await env.db.audit(paused.threadId);
      expect(audit.map((row) => row.action)).toContain("tool_call.approved");
    });

    it("reject: the call never runs and the model hears the refusal", async () => {
      const paused = await pauseOnTransfer("Not sent.");
      await paused.client.run(paused.agent, {
        resume: [
          {
            interruptId: paused.interruptId,
            status: "resolved",
            payload: { approved: false, reason: "not today" },
          },
        ],
        forwardedProps: SINGLE_STAGE,
      });

      expect(lastAssistantText(paused.agent)).toBe("Not sent.");
      await expectWireValid(paused.client);
      expect(await env.db.toolExecutions(paused.callId)).toEqual([]);
      const tool = (await env.db.messages(paused.threadId)).find((row) => row.role === "tool");
      expect(JSON.parse(String(tool?.content))).toEqual({
        status: "rejected",
        reason: "not today",
      });
    });

    it("edit and approve: the server runs the call with the edited arguments", async () => {
      const paused = await pauseOnTransfer("Sent 10.");
      const edited = { ...TRANSFER_ARGS, amount: 10 };
      await paused.client.run(paused.agent, {
        resume: [
          {
            interruptId: paused.interruptId,
            status: "resolved",
            payload: { approved: true, edited_args: edited },
          },
        ],
        forwardedProps: SINGLE_STAGE,
      });

      expect(lastAssistantText(paused.agent)).toBe("Sent 10.");
      await expectWireValid(paused.client);
      const [execution] = await env.db.toolExecutions(paused.callId);
      expect(execution?.result).toMatchObject({ amount: 10 });
    });
  });

  it("reconnect: a stream cut mid-run resumes with Last-Event-ID and verifies as one run", async () => {
    const thread = await newThread(version, "Tell me a story");
    const callId = newToolCallId();
    env.conversations.script(thread.tag, {
      text: ["Once ", "upon ", "a ", "time."],
      toolCalls: [pickColorCall(callId)],
      chunkDelayMs: 150,
    });
    const runId = uniqueId("run");
    const token = (thread.agent as unknown as { headers: Record<string, string> }).headers
      .authorization as string;
    const body = {
      threadId: thread.threadId,
      runId,
      messages: thread.agent.messages,
      tools: [PICK_COLOR_TOOL],
      context: [],
      forwardedProps: SINGLE_STAGE,
      ...(preOne ? {} : { protocolVersion: "1.0" }),
    };
    const cut = new AbortController();
    const response = await fetch(`${env.services.baseUrl}/api/v1/agent/runs`, {
      method: "POST",
      headers: {
        authorization: token,
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify(body),
      signal: cut.signal,
    });
    // Read until the first text delta, then drop the connection.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let head = "";
    while (!head.includes('"TEXT_MESSAGE_CONTENT"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${head}`);
      head += decoder.decode(value, { stream: true });
    }
    cut.abort();
    const frames = head.slice(0, head.lastIndexOf("\n\n") + 2);
    const lastId = [...frames.matchAll(/^id: (.+)$/gm)].at(-1)?.[1] as string;

    const resumed = await fetch(
      `${env.services.baseUrl}/api/v1/agent/runs/${runId}/events${version.eventsQuery}`,
      { headers: { authorization: token, accept: "text/event-stream", "last-event-id": lastId } },
    );
    const rest = await resumed.text();
    expect(rest).not.toContain(`id: ${lastId}\n`);

    const events = await thread.client.verified(frames + rest);
    expect(events[0]?.type).toBe("RUN_STARTED");
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    const text = events
      .filter((event) => event.type === "TEXT_MESSAGE_CONTENT")
      .map((event) => (event as unknown as { delta: string }).delta)
      .join("");
    expect(text).toBe("Once upon a time.");
    const all = [...(frames + rest).matchAll(/^data: (.+)$/gm)].map((match) =>
      JSON.parse(match[1] as string),
    );
    expect(all.filter((event) => !version.schema.safeParse(event).success)).toEqual([]);
    const rows = await env.db.messages(thread.threadId);
    expect(rows.map((row) => row.role)).toEqual(["user", "assistant"]);
    expect(rows[1]?.content).toBe("Once upon a time.");
  });
});
