import { describe, expect, it } from "vitest";
import { AGUI_CONFIG, systemPromptOfRequest } from "../../../../../support/agui-crew.js";
import {
  admitAndExecute,
  firstTurn,
  messageRows,
  runEvents,
  runRow,
  wireMessages,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew({ SOCIAL_RUNTIME__CONFIG_DIR: AGUI_CONFIG });

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("what a run's input gives the model", () => {
  it("puts RunAgentInput.context entries in the system prompt and sends an image part as an image", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("look");
    crew.conversations.script(marker, { respond: [{ text: "A single pixel." }] });
    const turn = {
      ...firstTurn({ text: "unused" }),
      messages: [
        {
          id: uniqueId("msg"),
          role: "user",
          content: [
            { type: "text", text: `What is in this picture? ${marker}` },
            { type: "image", source: { type: "data", value: PNG, mimeType: "image/png" } },
          ],
        },
      ],
      context: [
        { description: "Current page", value: "/gallery" },
        { description: "User's language", value: "French" },
      ],
    };
    await admitAndExecute(crew.runtime, userId, turn);

    const [request] = crew.conversations.requestsFor(marker);
    expect(systemPromptOfRequest(request?.body)).toContain(
      "Context from the application:\n- Current page: /gallery\n- User's language: French",
    );
    const [user] = wireMessages(request?.body);
    expect(user?.content).toEqual([
      { type: "text", text: `What is in this picture? ${marker}` },
      { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
    ]);
    // Stored with its parts, so the history keeps the picture.
    const [stored] = await messageRows(crew.database, turn.threadId);
    expect(stored?.contentParts).toEqual(turn.messages[0]?.content);
    expect(stored?.content).toBe(`What is in this picture? ${marker}`);
  });

  it("fails the run with UNSUPPORTED_CONTENT when the model cannot take a part, instead of dropping it", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("pdf");
    crew.conversations.script(marker, { respond: [{ text: "I read nothing." }] });
    const turn = {
      ...firstTurn({ text: "unused" }),
      messages: [
        {
          id: uniqueId("msg"),
          role: "user",
          content: [
            { type: "text", text: `Read this ${marker}` },
            {
              type: "document",
              source: { type: "data", value: "JVBERi0=", mimeType: "application/pdf" },
            },
          ],
        },
      ],
    };
    await admitAndExecute(crew.runtime, userId, turn);
    const events = await runEvents(crew.runtime, turn.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "UNSUPPORTED_CONTENT" });
    expect(String(events.at(-1)?.message)).toMatch(/does not accept this input/);
    // No answer was stored as if the model had read the document.
    expect((await messageRows(crew.database, turn.threadId)).map((row) => row.role)).toEqual([
      "user",
    ]);
    expect((await runRow(crew.database, turn.runId)).status).toBe("failed");
  });
});

describe("tool-call ids are unique per conversation", () => {
  it("executes a call whose provider id repeats an earlier turn's, streams and stores both results", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("weather");
    const repeated = "call_get_weather_3";
    crew.conversations.script(marker, {
      respond: [
        { toolCalls: [{ id: repeated, name: "srv_weather", arguments: { location: "Paris" } }] },
        { text: "Paris it is." },
        { toolCalls: [{ id: repeated, name: "srv_weather", arguments: { location: "Oslo" } }] },
        { text: "Oslo it is." },
      ],
    });
    const turn = firstTurn({ text: `weather in Paris ${marker}` });
    await admitAndExecute(crew.runtime, userId, turn);
    const second = {
      threadId: turn.threadId,
      runId: uniqueId("run"),
      messages: [
        ...turn.messages,
        { id: uniqueId("msg"), role: "user", content: `and Oslo ${marker}` },
      ],
      tools: [],
      context: [],
    };
    await admitAndExecute(crew.runtime, userId, second);

    const results = async (runId: string) =>
      (await runEvents(crew.runtime, runId)).filter((event) => event.type === "TOOL_CALL_RESULT");
    const [first] = await results(turn.runId);
    const [again] = await results(second.runId);
    expect(first).toMatchObject({ toolCallId: repeated });
    expect(JSON.parse(String(first?.content))).toMatchObject({ city: "Paris" });
    expect(again).toMatchObject({ toolCallId: `${repeated}-2` });
    expect(JSON.parse(String(again?.content))).toMatchObject({ city: "Oslo" });
    const secondEvents = await runEvents(crew.runtime, second.runId);
    expect(secondEvents.find((event) => event.type === "TOOL_CALL_START")).toMatchObject({
      toolCallId: `${repeated}-2`,
    });

    const rows = await messageRows(crew.database, turn.threadId);
    const tools = rows.filter((row) => row.role === "tool");
    expect(tools.map((row) => row.toolCallId)).toEqual([repeated, `${repeated}-2`]);
    expect(tools.map((row) => JSON.parse(row.content ?? "{}").city)).toEqual(["Paris", "Oslo"]);
    const calls = rows.flatMap((row) => row.toolCalls ?? []).map((call) => call.id);
    expect(calls).toEqual([repeated, `${repeated}-2`]);

    // The model's last step sees each call with its own result, not the earlier turn's.
    const last = crew.conversations.requestsFor(marker).at(-1);
    const sent = wireMessages(last?.body).filter((message) => message.role === "tool");
    expect(
      sent.map((message) => [message.tool_call_id, JSON.parse(String(message.content)).city]),
    ).toEqual([
      [repeated, "Paris"],
      [`${repeated}-2`, "Oslo"],
    ]);
  });

  it("gives distinct ids to a provider id repeated by two steps of the same run", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("twice");
    crew.conversations.script(marker, {
      respond: [
        { toolCalls: [{ id: "call_0", name: "srv_weather", arguments: { location: "Rome" } }] },
        { toolCalls: [{ id: "call_0", name: "srv_weather", arguments: { location: "Lima" } }] },
        { text: "Both done." },
      ],
    });
    const turn = firstTurn({ text: `two cities ${marker}` });
    await admitAndExecute(crew.runtime, userId, turn);
    const events = await runEvents(crew.runtime, turn.runId);
    expect(
      events.filter((event) => event.type === "TOOL_CALL_RESULT").map((event) => event.toolCallId),
    ).toEqual(["call_0", "call_0-2"]);
  });
});
