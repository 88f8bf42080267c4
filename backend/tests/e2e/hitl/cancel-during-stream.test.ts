import {
  type BaseEvent,
  EventType,
  type RunFinishedEvent,
  type TextMessageContentEvent,
  type TextMessageStartEvent,
} from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import { eventsOf, RUNS_PATH, waitUntil } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { sentMessages, sentText } from "../../support/hitl-scripted-conversations.js";
import { SINGLE_STAGE } from "../../support/hitl-tools.js";

let env: HitlEnvironment;

beforeAll(async () => {
  env = await startHitlEnvironment();
}, 60_000);
afterAll(() => env?.stop());

const WORDS = Array.from({ length: 60 }, (_, index) => `word${index} `);
const FULL_TEXT = WORDS.join("");

function streamedText(events: readonly BaseEvent[]): string {
  return eventsOf<TextMessageContentEvent>(events, EventType.TEXT_MESSAGE_CONTENT)
    .map((event) => event.delta)
    .join("");
}

describe("cancel during a slow model stream", () => {
  it("ends the run with RUN_FINISHED cancelled, status cancelled, the session idle and the streamed part of the answer persisted", async () => {
    const userId = uniqueId("user");
    const threadId = uniqueId("thread");
    const { tag, say } = env.conversations.newConversation();
    env.conversations.script(
      tag,
      { text: WORDS, chunkDelayMs: 150 },
      { text: "Starting over: hello." },
    );
    const agent = await env.client.agent({
      userId,
      threadId,
      messages: [{ id: uniqueId("msg"), role: "user", content: say("Tell me a long story") }],
    });
    const runId = uniqueId("run");

    let deltas = 0;
    const running = env.client.run(agent, { runId, forwardedProps: SINGLE_STAGE }, (event) => {
      if (event.type === EventType.TEXT_MESSAGE_CONTENT) deltas++;
    });
    await waitUntil(() => deltas >= 3, "some streamed text");
    const cancel = await env.client.json("POST", `${RUNS_PATH}/${runId}/cancel`, userId);
    expect(cancel).toEqual({ status: 202, body: { run_id: runId, status: "cancelling" } });
    const events = await running;

    const types = events.map((event) => event.type);
    expect(types.at(-1)).toBe(EventType.RUN_FINISHED);
    expect(types.filter((type) => type === EventType.TEXT_MESSAGE_END)).toHaveLength(1);
    expect(types.indexOf(EventType.TEXT_MESSAGE_END)).toBeLessThan(
      types.indexOf(EventType.RUN_FINISHED),
    );
    const [finished] = eventsOf<RunFinishedEvent>(events, EventType.RUN_FINISHED);
    expect(finished?.outcome).toEqual({ type: "cancelled" });
    const partial = streamedText(events);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(FULL_TEXT.length);
    expect(FULL_TEXT.startsWith(partial)).toBe(true);

    expect(await env.client.runOf(runId, userId)).toMatchObject({
      status: "cancelled",
      cancel_requested: true,
      error: { code: "CANCELLED" },
    });
    const session = await env.client.session(threadId, userId);
    expect(session).toMatchObject({ status: "idle", active_run_id: null });
    // Persisted policy: exactly what the client saw is kept, under the streamed message id.
    const [textStart] = eventsOf<TextMessageStartEvent>(events, EventType.TEXT_MESSAGE_START);
    const rows = await env.db.messages(threadId);
    expect(rows.map((row) => [row.seq, row.role])).toEqual([
      [1, "user"],
      [2, "assistant"],
    ]);
    expect(rows[1]).toMatchObject({ id: textStart?.messageId, content: partial, run_id: runId });
    expect(agent.messages.at(-1)).toMatchObject({ id: textStart?.messageId, content: partial });
    expect(await env.db.audit(threadId)).toEqual([
      expect.objectContaining({ actor: userId, action: "run.cancel_requested", run_id: runId }),
    ]);
    const again = await env.client.json("POST", `${RUNS_PATH}/${runId}/cancel`, userId);
    expect(again).toEqual({ status: 202, body: { run_id: runId, status: "cancelled" } });

    // The thread goes on, and the model sees the partial answer as history.
    agent.addMessage({ id: uniqueId("msg"), role: "user", content: "Never mind, just say hello" });
    const next = await env.client.run(agent, {
      runId: uniqueId("run"),
      forwardedProps: SINGLE_STAGE,
    });
    expect(eventsOf<RunFinishedEvent>(next, EventType.RUN_FINISHED)[0]?.outcome).toEqual({
      type: "success",
    });
    const history = sentMessages(env.conversations.request(tag, 1));
    expect(
      history.filter((message) => message.role === "assistant").map((message) => sentText(message)),
    ).toEqual([partial]);
  });
});
