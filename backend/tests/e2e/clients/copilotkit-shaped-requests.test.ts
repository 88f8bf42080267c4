import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_VERSIONS, VersionedClient } from "../../support/agui-client-versions.js";
import { uniqueId } from "../../support/database.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentToolResults } from "../../support/hitl-scripted-conversations.js";
import {
  newToolCallId,
  PICK_COLOR_TOOL,
  pickColorCall,
  SINGLE_STAGE,
  transferCall,
} from "../../support/hitl-tools.js";
import { tokenFor } from "../../support/jwt.js";

/*
 * Requests exactly as CopilotKit 1.74/1.75 builds them (with its @ag-ui/client 0.0.59), for
 * the two things it does that a plain HttpAgent does not:
 * - after a stream that broke, its runtime answers every open tool call with a stand-in
 *   result (`finalizeRunEvents`) and sends that back on the next turn;
 * - `useInterrupt` resumes with a `role: "tool"` message AND the `resume` entry for the same
 *   approval call, reusing the interrupted run's runId.
 */

const CLIENT_0059 = CLIENT_VERSIONS.find((version) => version.version === "0.0.59");
if (!CLIENT_0059) throw new Error("0.0.59 is not among the client versions");

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

async function thread(text: string) {
  const client = new VersionedClient(
    CLIENT_0059 as (typeof CLIENT_VERSIONS)[number],
    env.services.baseUrl,
  );
  const userId = uniqueId("user");
  const threadId = uniqueId("thread");
  const { tag, say } = env.conversations.newConversation();
  const agent = await client.agent({
    userId,
    threadId,
    messages: [{ id: uniqueId("m"), role: "user", content: say(text) }],
  });
  return { client, agent, userId, threadId, tag, say };
}

describe("CopilotKit's stand-in result for a frontend call it never ran", () => {
  it("cancels the call: the model hears a refusal and Postgres stores the refusal, never the stand-in", async () => {
    const t = await thread("Pick a colour");
    const callId = newToolCallId();
    env.conversations.script(
      t.tag,
      { toolCalls: [pickColorCall(callId)] },
      { text: "No colour then. What next?" },
    );
    await t.client.run(t.agent, { tools: [PICK_COLOR_TOOL], forwardedProps: SINGLE_STAGE });

    const standInId = `${callId}-result`;
    t.agent.addMessage({
      id: standInId,
      role: "tool",
      toolCallId: callId,
      content: JSON.stringify({
        status: "error",
        reason: "missing_terminal_event",
        message: "Run ended without emitting a terminal event",
      }),
    });
    t.agent.addMessage({ id: uniqueId("m"), role: "user", content: t.say("never mind") });
    await t.client.run(t.agent, { tools: [PICK_COLOR_TOOL], forwardedProps: SINGLE_STAGE });

    const refusal = {
      status: "rejected",
      reason: "the client could not run the tool (missing_terminal_event)",
    };
    const [, second] = env.conversations.requests(t.tag);
    expect(sentToolResults(second as NonNullable<typeof second>)).toEqual([
      { toolCallId: callId, content: JSON.stringify(refusal) },
    ]);
    const tools = (await env.db.messages(t.threadId)).filter((row) => row.role === "tool");
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({ id: standInId, tool_call_id: callId });
    expect(JSON.parse(String(tools[0]?.content))).toEqual(refusal);
    const session = await env.client.session(t.threadId, t.userId);
    expect(session.state_snapshot.pending_tool_calls).toEqual([
      expect.objectContaining({ tool_call_id: callId, status: "REJECTED", reason: refusal.reason }),
    ]);
    expect(await t.client.invalidWireEvents()).toEqual([]);
  });
});

describe("useInterrupt's resume: a tool message and a resume entry for the same approval", () => {
  async function pausedTransfer(followUp: string) {
    const t = await thread("Send 25 EUR to my landlord");
    const callId = newToolCallId();
    env.conversations.script(t.tag, { toolCalls: [transferCall(callId)] }, { text: followUp });
    const interruptedRunId = uniqueId("run");
    await t.client.run(t.agent, { runId: interruptedRunId, forwardedProps: SINGLE_STAGE });
    const [interrupt] = t.agent.pendingInterrupts;
    if (!interrupt) throw new Error("run 1 did not interrupt");
    return { ...t, callId, interruptId: interrupt.id, interruptedRunId };
  }

  it("with a fresh runId: the entry decides once, the server runs the call and stores its real result", async () => {
    const p = await pausedTransfer("Sent.");
    p.agent.addMessage({
      id: uniqueId("m"),
      role: "tool",
      toolCallId: p.callId,
      content: JSON.stringify({ approved: true }),
    });
    await p.client.run(p.agent, {
      resume: [{ interruptId: p.interruptId, status: "resolved", payload: { approved: true } }],
      forwardedProps: SINGLE_STAGE,
    });

    const executions = await env.db.toolExecutions(p.callId);
    expect(executions).toHaveLength(1);
    const tools = (await env.db.messages(p.threadId)).filter((row) => row.role === "tool");
    expect(tools).toHaveLength(1);
    expect(JSON.parse(String(tools[0]?.content))).toMatchObject({ status: "completed" });
    expect(await t0Text(p.threadId)).toBe("Sent.");
  });

  // CopilotKit reuses the interrupted run's runId for the resume: a repeated runId with new
  // content (answers to calls the thread waits for) is a new turn, not a replay.
  it("with the interrupted run's runId (as CopilotKit sends it): a new turn, not a replay", async () => {
    const p = await pausedTransfer("Cancelled, as you wish.");
    p.agent.addMessage({
      id: uniqueId("m"),
      role: "tool",
      toolCallId: p.callId,
      content: JSON.stringify({ status: "cancelled" }),
    });
    await p.client.run(p.agent, {
      runId: p.interruptedRunId,
      resume: [{ interruptId: p.interruptId, status: "cancelled" }],
      forwardedProps: SINGLE_STAGE,
    });

    expect(p.agent.pendingInterrupts).toEqual([]);
    expect(await env.db.toolExecutions(p.callId)).toEqual([]);
    const tools = (await env.db.messages(p.threadId)).filter((row) => row.role === "tool");
    expect(tools).toHaveLength(1);
    expect(JSON.parse(String(tools[0]?.content))).toMatchObject({ status: "rejected" });
    expect(await t0Text(p.threadId)).toBe("Cancelled, as you wish.");
    // Two runs: the interrupted one (superseded) and the new turn, which now owns the runId.
    const runs = await env.db.runs(p.threadId);
    expect(runs.map((run) => [run.kind, run.status])).toEqual([
      ["run", "interrupted"],
      ["resume", "succeeded"],
    ]);

    // The same request again is a replay of the new turn: nothing new runs or is stored.
    const replay = await fetch(`${env.services.baseUrl}/api/v1/agent/runs`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await tokenFor(p.userId)}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify({
        threadId: p.threadId,
        runId: p.interruptedRunId,
        messages: p.agent.messages,
        tools: [],
        context: [],
        state: {},
        forwardedProps: SINGLE_STAGE,
        resume: [{ interruptId: p.interruptId, status: "cancelled" }],
      }),
    });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ replayed: true, status: "succeeded" });
    expect(await env.db.runs(p.threadId)).toHaveLength(2);
    expect(await env.db.toolExecutions(p.callId)).toEqual([]);
  });
});

/** The last assistant message stored for a thread. */
async function t0Text(threadId: string): Promise<string | null | undefined> {
  return (await env.db.messages(threadId)).filter((row) => row.role === "assistant").at(-1)
    ?.content;
}
