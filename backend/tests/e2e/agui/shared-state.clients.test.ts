import { HttpAgent as HttpAgent10 } from "@ag-ui/client";
import { HttpAgent as HttpAgent0059 } from "@ag-ui/client-0059";
import { type BaseEvent, EventType } from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGUI_CONFIG, stateShownToModel } from "../../support/agui-crew.js";
import { uniqueId } from "../../support/database.js";
import { RUNS_PATH, waitUntil } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { tokenFor } from "../../support/jwt.js";
import type { ServiceProcess } from "../../support/service-processes.js";

let env: HitlEnvironment;
let replacement: ServiceProcess | undefined;

beforeAll(async () => {
  env = await startHitlEnvironment({ SOCIAL_RUNTIME__CONFIG_DIR: AGUI_CONFIG });
}, 60_000);
afterAll(async () => {
  await replacement?.stop();
  await env?.stop();
});

const INITIAL = { recipe: { title: "Soup", ingredients: ["Water"] } };
const CHANGED = { recipe: { title: "Pasta", ingredients: ["Water", "Salt"] } };
const OPERATIONS = [
  { op: "replace", path: "/recipe/title", value: "Pasta" },
  { op: "add", path: "/recipe/ingredients/-", value: "Salt" },
];

/** The smallest surface both client versions share. */
interface StatefulAgent {
  state: unknown;
  messages: unknown[];
  addMessage(message: { id: string; role: "user"; content: string }): void;
  runAgent(
    parameters: { runId: string },
    subscriber?: { onEvent?: (input: { event: BaseEvent }) => void },
  ): Promise<unknown>;
}

const CLIENTS = [
  ["@ag-ui/client 1.0", HttpAgent10],
  ["@ag-ui/client 0.0.59", HttpAgent0059],
] as const;

async function agentFor(
  Client: (typeof CLIENTS)[number][1],
  { userId, threadId, text }: { userId: string; threadId: string; text: string },
): Promise<StatefulAgent> {
  return new Client({
    url: `${env.services.baseUrl}${RUNS_PATH}`,
    headers: { authorization: `Bearer ${await tokenFor(userId)}` },
    threadId,
    initialMessages: [{ id: uniqueId("msg"), role: "user", content: text }],
    initialState: structuredClone(INITIAL),
  }) as unknown as StatefulAgent;
}

describe.each(CLIENTS)("shared state round trip with %s", (_name, Client) => {
  it("the model sees the client's state, the agent's STATE_DELTA applies to the client's copy, and the next run starts from it", async () => {
    const userId = uniqueId("user");
    const threadId = uniqueId("thread");
    const { tag, say } = env.conversations.newConversation();
    env.conversations.script(
      tag,
      {
        toolCalls: [
          {
            id: uniqueId("call"),
            name: "agui_update_state",
            arguments: { operations: OPERATIONS },
          },
        ],
      },
      { text: "Now it is pasta." },
      { text: "Water and salt." },
    );
    const agent = await agentFor(Client, { userId, threadId, text: say("Make it pasta") });
    const seen: string[] = [];
    await agent.runAgent(
      { runId: uniqueId("run") },
      { onEvent: ({ event }) => void seen.push(event.type) },
    );

    expect(stateShownToModel(env.conversations.request(tag, 0).body)).toEqual(INITIAL);
    expect(seen).toContain(EventType.STATE_DELTA);
    // The client applied the delta itself: its copy is the server's.
    expect(agent.state).toEqual(CHANGED);
    const session = await env.client.session(threadId, userId);
    expect(session.state_snapshot.agent_state).toEqual(CHANGED);

    agent.addMessage({ id: uniqueId("msg"), role: "user", content: say("What is in it?") });
    await agent.runAgent({ runId: uniqueId("run") });
    expect(stateShownToModel(env.conversations.request(tag, 2).body)).toEqual(CHANGED);
    expect(agent.state).toEqual(CHANGED);
  });
});

describe("a worker killed after a state change was checkpointed", () => {
  it("continues from the checkpointed state: the client is told it again, the change is not applied twice", async () => {
    const userId = uniqueId("user");
    const threadId = uniqueId("thread");
    const { tag, say } = env.conversations.newConversation();
    env.conversations.script(
      tag,
      {
        toolCalls: [
          {
            id: uniqueId("call"),
            name: "agui_update_state",
            arguments: { operations: OPERATIONS },
          },
        ],
      },
      // Attempt 1's follow-up never answers: the worker dies in it.
      { hangAfterChunks: 0 },
      { text: "Now it is pasta." },
    );
    const agent = await agentFor(HttpAgent10, { userId, threadId, text: say("Make it pasta") });
    const snapshots: unknown[] = [];
    let deltaSeen = false;
    const running = agent.runAgent(
      { runId: uniqueId("run") },
      {
        onEvent: ({ event }) => {
          if (event.type === EventType.STATE_DELTA) deltaSeen = true;
          if (event.type === EventType.STATE_SNAPSHOT)
            snapshots.push((event as BaseEvent & { snapshot: unknown }).snapshot);
        },
      },
    );
    await waitUntil(() => deltaSeen, "the STATE_DELTA on the stream");
    await waitUntil(
      () => env.conversations.requests(tag).length === 2,
      "attempt 1's follow-up call",
    );
    await env.services.worker.kill();
    expect((await env.client.session(threadId, userId)).state_snapshot.agent_state).toEqual(
      CHANGED,
    );

    replacement = await env.services.startWorker();
    await running;

    expect(snapshots).toEqual([CHANGED]);
    expect(agent.state).toEqual(CHANGED);
    expect((await env.client.session(threadId, userId)).state_snapshot.agent_state).toEqual(
      CHANGED,
    );
    const tools = (await env.db.messages(threadId)).filter((row) => row.role === "tool");
    expect(tools).toHaveLength(1);
  });
});
