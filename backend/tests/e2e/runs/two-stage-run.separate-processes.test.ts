import { type BaseEvent, HttpAgent, PROTOCOL_VERSION } from "@ag-ui/client";
import { EventSchemas } from "@ag-ui/core/schemas";
import { describe, expect, it } from "vitest";
import {
  parseAgUiFrames,
  startedMessageIds,
  streamedText,
  verifyAgUiEvents,
} from "../../support/agui-stream-checks.js";
import { uniqueId } from "../../support/database.js";
import { tokenFor } from "../../support/jwt.js";
import { RunApiClient } from "../../support/run-api-client.js";
import { readRunRows } from "../../support/run-rows.js";
import { useScriptedServices } from "../../support/scripted-services.js";
import { INTENT_USAGE } from "../../support/scripted-stages.js";
import { readRunFrames } from "../../support/sse-event-reader.js";

const RESPOND_CHUNKS = ["Paris is ", "the capital ", "of France."];
const RESPOND_USAGE = { prompt_tokens: 200, completion_tokens: 17 };

const harness = useScriptedServices();

describe("a two-stage run through separate api and worker processes", () => {
  it("streams a valid AG-UI run to HttpAgent and persists messages, run, session and llm_calls", async () => {
    const userId = uniqueId("user");
    const threadId = uniqueId("thread");
    const runId = uniqueId("run");
    const marker = uniqueId("capital");
    const userMessageId = uniqueId("m");
    harness.stages.script(marker, {
      intent: { text: "question", usage: INTENT_USAGE },
      respond: { text: RESPOND_CHUNKS, usage: RESPOND_USAGE },
    });
    const baseUrl = harness.services.baseUrl;
    const agent = new HttpAgent({
      url: `${baseUrl}/api/v1/agent/runs`,
      headers: { authorization: `Bearer ${await tokenFor(userId)}` },
      threadId,
      initialMessages: [
        { id: userMessageId, role: "user", content: `What is the capital of France? ${marker}` },
      ],
    });

    const received: BaseEvent[] = [];
    await agent.runAgent({ runId }, { onEvent: ({ event }) => void received.push(event) });

    // The events as HttpAgent saw them: valid AG-UI, in a valid order, one run.
    for (const event of received) expect(EventSchemas.safeParse(event).success).toBe(true);
    await expect(verifyAgUiEvents(received)).resolves.toHaveLength(received.length);
    const types = received.map((event) => event.type);
    expect(received[0]).toMatchObject({
      type: "RUN_STARTED",
      threadId,
      runId,
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(types.at(-1)).toBe("RUN_FINISHED");
    expect(types.filter((type) => type === "RUN_STARTED" || type === "RUN_FINISHED")).toEqual([
      "RUN_STARTED",
      "RUN_FINISHED",
    ]);
    const steps = received
      .filter((event) => event.type === "STEP_STARTED" || event.type === "STEP_FINISHED")
      .map((event) => `${event.type}:${(event as { stepName?: string }).stepName}`);
    expect(steps).toEqual([
      "STEP_STARTED:intent",
      "STEP_FINISHED:intent",
      "STEP_STARTED:respond",
      "STEP_FINISHED:respond",
    ]);
    // Only the chat stage is visible: one assistant message, exactly the scripted text.
    const messageIds = startedMessageIds(received);
    expect(messageIds).toHaveLength(1);
    const assistantMessageId = messageIds[0] as string;
    expect(streamedText(received)).toBe(RESPOND_CHUNKS.join(""));
    const finished = received.at(-1) as {
      outcome?: { type: string };
      usage?: { inputTokens?: number; outputTokens?: number }[];
    };
    expect(finished.outcome).toMatchObject({ type: "success" });
    const usage = finished.usage ?? [];
    expect(usage.reduce((sum, entry) => sum + (entry.inputTokens ?? 0), 0)).toBe(
      INTENT_USAGE.prompt_tokens + RESPOND_USAGE.prompt_tokens,
    );
    expect(usage.reduce((sum, entry) => sum + (entry.outputTokens ?? 0), 0)).toBe(
      INTENT_USAGE.completion_tokens + RESPOND_USAGE.completion_tokens,
    );
    expect(agent.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(agent.messages.at(-1)).toMatchObject({
      id: assistantMessageId,
      content: RESPOND_CHUNKS.join(""),
    });

    // The model was asked once per stage, and the respond stage saw the intent label.
    expect(harness.stages.callCount(marker, "intent")).toBe(1);
    expect(harness.stages.callCount(marker, "respond")).toBe(1);
    const respondSystem = JSON.stringify(
      harness.stages.requests(marker, "respond")[0]?.body.messages,
    );
    expect(respondSystem).toContain("question");

    // The stream replayed from the start is the same run, and parses and verifies on its own.
    const client = RunApiClient.forUser(baseUrl, userId);
    const replay = await readRunFrames({ response: await client.openEvents(runId) });
    expect(replay.ended).toBe(true);
    const replayed = parseAgUiFrames(replay.frames);
    await verifyAgUiEvents(replayed);
    expect(replayed.map((event) => event.type)).toEqual(types);
    expect(replay.frames.every((frame) => typeof frame.id === "string")).toBe(true);

    // Postgres: user then assistant (seq 1, 2), run succeeded, session idle, totals = llm_calls.
    const rows = await readRunRows(harness.database, { sessionId: threadId, runId });
    expect(rows.messages).toEqual([
      expect.objectContaining({ id: userMessageId, seq: 1, role: "user", run_id: runId }),
      expect.objectContaining({
        id: assistantMessageId,
        seq: 2,
        role: "assistant",
        run_id: runId,
        content: RESPOND_CHUNKS.join(""),
        stage: "respond",
      }),
    ]);
    expect(rows.llmCalls.map((call) => [call.stage, call.agent_type, call.status])).toEqual([
      ["intent", "intent", "success"],
      ["respond", "responder", "success"],
    ]);
    expect(rows.llmCalls.map((call) => [call.input_tokens, call.output_tokens])).toEqual([
      [INTENT_USAGE.prompt_tokens, INTENT_USAGE.completion_tokens],
      [RESPOND_USAGE.prompt_tokens, RESPOND_USAGE.completion_tokens],
    ]);
    const sums = rows.llmCallSums;
    expect(sums?.calls).toBe(2);
    const expectedTotals = {
      input_tokens: sums?.input_tokens,
      output_tokens: sums?.output_tokens,
      cost_usd: sums?.cost_usd,
      llm_call_count: 2,
    };
    expect(rows.run).toMatchObject({ status: "succeeded", error_code: null, ...expectedTotals });
    expect(rows.session).toMatchObject({
      status: "idle",
      active_run_id: null,
      message_count: 2,
      last_seq: 2,
      ...expectedTotals,
    });
    expect(sums?.input_tokens).toBe(INTENT_USAGE.prompt_tokens + RESPOND_USAGE.prompt_tokens);

    // The api reports the same run.
    const run = await client.getJson(`/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({
      status: "succeeded",
      usage: {
        input_tokens: sums?.input_tokens,
        output_tokens: sums?.output_tokens,
        cost_usd: sums?.cost_usd,
        llm_calls: 2,
      },
    });
    const history = await client.getJson(`/sessions/${threadId}/messages`);
    expect(history.json.messages).toEqual([
      expect.objectContaining({
        id: userMessageId,
        role: "user",
        metadata: expect.objectContaining({ seq: 1 }),
      }),
      expect.objectContaining({
        id: assistantMessageId,
        role: "assistant",
        content: RESPOND_CHUNKS.join(""),
        metadata: expect.objectContaining({ seq: 2 }),
      }),
    ]);
  });
});
