import { type BaseEvent, HttpAgent } from "@ag-ui/client";
import { describe, expect, it } from "vitest";
import {
  parseAgUiFrames,
  streamedText,
  verifyAgUiEvents,
} from "../../support/agui-stream-checks.js";
import { uniqueId } from "../../support/database.js";
import { tokenFor } from "../../support/jwt.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { readRunRows } from "../../support/run-rows.js";
import { useScriptedServices } from "../../support/scripted-services.js";
import { readRunFrames } from "../../support/sse-event-reader.js";

const SLOW_CHUNKS = Array.from({ length: 20 }, (_, index) => `word${index} `);
const FULL_TEXT = SLOW_CHUNKS.join("");

const harness = useScriptedServices();

/** The run finished on its own and everything it produced is in Postgres and on the stream. */
async function expectFullyPersisted({
  client,
  sessionId,
  runId,
  userMessageId,
}: {
  client: RunApiClient;
  sessionId: string;
  runId: string;
  userMessageId: string;
}) {
  const run = await client.waitForRun(runId);
  expect(run.status).toBe("succeeded");
  const rows = await readRunRows(harness.database, { sessionId, runId });
  expect(rows.messages.map((message) => [message.seq, message.role, message.content])).toEqual([
    [1, "user", expect.any(String)],
    [2, "assistant", FULL_TEXT],
  ]);
  expect(rows.messages[0]?.id).toBe(userMessageId);
  expect(rows.llmCalls.map((call) => [call.stage, call.status])).toEqual([
    ["intent", "success"],
    ["respond", "success"],
  ]);
  expect(rows.run).toMatchObject({ status: "succeeded", llm_call_count: 2 });
  expect(rows.session).toMatchObject({ status: "idle", active_run_id: null, message_count: 2 });
  const replay = await readRunFrames({ response: await client.openEvents(runId) });
  expect(replay.ended).toBe(true);
  const events = parseAgUiFrames(replay.frames);
  await verifyAgUiEvents(events);
  expect(events.at(-1)?.type).toBe("RUN_FINISHED");
  expect(streamedText(events)).toBe(FULL_TEXT);
}

describe("a client that disconnects mid-run", () => {
  it("does not stop the run: aborting HttpAgent mid-message still finishes and persists it", async () => {
    const userId = uniqueId("user");
    const threadId = uniqueId("thread");
    const runId = uniqueId("run");
    const marker = uniqueId("abort");
    const userMessageId = uniqueId("m");
    harness.stages.script(marker, { respond: { text: SLOW_CHUNKS, chunkDelayMs: 100 } });
    const baseUrl = harness.services.baseUrl;
    const agent = new HttpAgent({
      url: `${baseUrl}/api/v1/agent/runs`,
      headers: { authorization: `Bearer ${await tokenFor(userId)}` },
      threadId,
      initialMessages: [{ id: userMessageId, role: "user", content: `Count slowly ${marker}` }],
    });
    const received: BaseEvent[] = [];
    await agent
      .runAgent(
        { runId },
        {
          onEvent: ({ event }) => {
            received.push(event);
            if (event.type === "TEXT_MESSAGE_CONTENT") agent.abortRun();
          },
        },
      )
      .catch(() => {});
    // The client really left mid-message: it saw text but never the end of the run.
    expect(received.map((event) => event.type)).toContain("TEXT_MESSAGE_CONTENT");
    expect(received.map((event) => event.type)).not.toContain("RUN_FINISHED");

    await expectFullyPersisted({
      client: RunApiClient.forUser(baseUrl, userId),
      sessionId: threadId,
      runId,
      userMessageId,
    });
  });

  it("does not stop the run: dropping the POST right after its 202 still finishes and persists it", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("drop");
    harness.stages.script(marker, { respond: { text: SLOW_CHUNKS, chunkDelayMs: 20 } });
    const client = RunApiClient.forUser(harness.services.baseUrl, userId);
    const input = runInput({ text: `Count quickly ${marker}` });
    const connection = new AbortController();
    const response = await client.request("/runs", {
      body: input,
      headers: { accept: "text/event-stream" },
      signal: connection.signal,
    });
    expect(response.status).toBe(202);
    connection.abort();

    await expectFullyPersisted({
      client,
      sessionId: input.threadId,
      runId: input.runId,
      userMessageId: input.messages[0]?.id as string,
    });
  });
});
