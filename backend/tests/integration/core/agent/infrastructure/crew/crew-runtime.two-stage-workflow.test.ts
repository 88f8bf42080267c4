import { describe, expect, it } from "vitest";
import {
  admitAndExecute,
  firstTurn,
  messageRows,
  offeredFunctionNames,
  runEvents,
  runRow,
  sessionRow,
  systemPromptOf,
  wireMessages,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew();

describe("the default two-stage workflow against an OpenAI-compatible server", () => {
  it("feeds the intent stage's output to the respond stage, streams only the respond stage's text, in order, and persists the answer", async () => {
    const marker = uniqueId("capital");
    crew.conversations.script(marker, {
      intent: [{ text: "question" }],
      respond: [{ text: ["Paris ", "is the capital ", "of France."] }],
    });
    const turn = firstTurn({ text: `What is the capital of France? ${marker}` });

    await admitAndExecute(crew.runtime, "alice", turn);

    const requests = crew.conversations.requestsFor(marker);
    expect(requests.map((request) => request.stage)).toEqual(["intent", "respond"]);
    const [intent, respond] = requests.map((request) => request.body);
    // The intent stage: its task with {message} filled in, no tools, no earlier context.
    expect(systemPromptOf(intent ?? {})).toContain(
      `User's latest message: What is the capital of France? ${marker}`,
    );
    expect(systemPromptOf(intent ?? {})).not.toContain("Context from earlier stages");
    expect(intent?.tools).toBeUndefined();
    // The respond stage receives the intent label as context, the conversation and its tools.
    expect(systemPromptOf(respond ?? {})).toContain(
      "Context from earlier stages:\n- intent: question",
    );
    expect(systemPromptOf(respond ?? {})).toContain("You are Helpful assistant.");
    expect(wireMessages(respond)).toEqual([
      { role: "user", content: `What is the capital of France? ${marker}` },
    ]);
    expect(offeredFunctionNames(respond)).toEqual(["srv_get_current_time", "srv_transfer_funds"]);

    const events = await runEvents(crew.runtime, turn.runId);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe("RUN_STARTED");
    expect(types.at(-1)).toBe("RUN_FINISHED");
    expect(events.at(-1)).toMatchObject({ outcome: { type: "success" } });
    expect(
      events
        .filter((event) => event.type === "STEP_STARTED" || event.type === "STEP_FINISHED")
        .map((event) => `${event.type} ${String(event.stepName)}`),
    ).toEqual([
      "STEP_STARTED intent",
      "STEP_FINISHED intent",
      "STEP_STARTED respond",
      "STEP_FINISHED respond",
    ]);
    const deltas = events.filter((event) => event.type === "TEXT_MESSAGE_CONTENT");
    // Only the chat stage is streamed: the intent label never reaches the client.
    expect(deltas.map((event) => event.delta)).toEqual(["Paris ", "is the capital ", "of France."]);
    const messageId = deltas[0]?.messageId;
    expect(deltas.every((event) => event.messageId === messageId)).toBe(true);
    const start = types.indexOf("TEXT_MESSAGE_START");
    const end = types.indexOf("TEXT_MESSAGE_END");
    expect(events[start]).toMatchObject({ messageId, role: "assistant" });
    expect(start).toBeGreaterThan(types.indexOf("STEP_STARTED"));
    expect(start).toBeLessThan(events.indexOf(deltas[0] as never));
    expect(end).toBeGreaterThan(events.indexOf(deltas.at(-1) as never));
    expect(end).toBeLessThan(types.lastIndexOf("STEP_FINISHED"));

    const stored = await messageRows(crew.database, turn.threadId);
    expect(stored.map((row) => [row.seq, row.role, row.content])).toEqual([
      [1, "user", `What is the capital of France? ${marker}`],
      [2, "assistant", "Paris is the capital of France."],
    ]);
    expect(stored[1]).toMatchObject({ id: messageId, runId: turn.runId, stage: "respond" });
    expect((await runRow(crew.database, turn.runId)).status).toBe("succeeded");
    const session = await sessionRow(crew.database, turn.threadId);
    expect(session).toMatchObject({ status: "idle", activeRunId: null, messageCount: 2 });
    expect(session.stateSnapshot).toMatchObject({
      stages: {
        intent: { output: "question" },
        respond: { output: "Paris is the capital of France." },
      },
      pending_tool_calls: [],
    });
  });

  it("gives both stages of a second turn the conversation so far, and the new intent to the respond stage", async () => {
    const marker = uniqueId("follow-up");
    crew.conversations.script(marker, {
      intent: [{ text: "question" }, { text: "chitchat" }],
      respond: [{ text: "Hello!" }, { text: "You're welcome." }],
    });
    const turn = firstTurn({ text: `hi ${marker}` });
    await admitAndExecute(crew.runtime, "alice", turn);
    const [, answer] = await messageRows(crew.database, turn.threadId);
    const secondRunId = uniqueId("run");

    await admitAndExecute(crew.runtime, "alice", {
      ...turn,
      runId: secondRunId,
      messages: [
        ...turn.messages,
        { id: answer?.id, role: "assistant", content: answer?.content },
        { id: uniqueId("user-message"), role: "user", content: "thanks" },
      ],
    });

    const requests = crew.conversations.requestsFor(marker);
    expect(requests.map((request) => request.stage)).toEqual([
      "intent",
      "respond",
      "intent",
      "respond",
    ]);
    const conversation = [
      { role: "user", content: `hi ${marker}` },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "thanks" },
    ];
    for (const request of requests.slice(2))
      expect(wireMessages(request.body)).toEqual(conversation);
    expect(systemPromptOf(requests[2]?.body ?? {})).toContain("User's latest message: thanks");
    expect(systemPromptOf(requests[3]?.body ?? {})).toContain("- intent: chitchat");
    expect(systemPromptOf(requests[3]?.body ?? {})).not.toContain("- intent: question");
    expect((await messageRows(crew.database, turn.threadId)).map((row) => row.content)).toEqual([
      `hi ${marker}`,
      "Hello!",
      "thanks",
      "You're welcome.",
    ]);
    expect((await runRow(crew.database, secondRunId)).status).toBe("succeeded");
  });
});
