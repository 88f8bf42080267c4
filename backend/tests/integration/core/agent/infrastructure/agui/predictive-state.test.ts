import { describe, expect, it } from "vitest";
import { AGUI_CONFIG, applyStateEvents } from "../../../../../support/agui-crew.js";
import {
  admitAndExecute,
  firstTurn,
  runEvents,
  type StoredAgUiEvent,
  sessionRow,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew({ SOCIAL_RUNTIME__CONFIG_DIR: AGUI_CONFIG });

const OLD = "Once upon a time there was a cat.";
const NEW = "Once upon a time there was a dragon named Atlantis who loved the sea.";

function agentStateOf(row: { stateSnapshot: unknown }): unknown {
  return (row.stateSnapshot as { agent_state: unknown }).agent_state;
}

/** Run 1 streams `write_document` (predict_state document, confirm first) in 6 chunks. */
async function proposeDocument(followUps: { text: string }[]) {
  const userId = uniqueId("user");
  const marker = uniqueId("story");
  crew.conversations.script(marker, {
    respond: [
      {
        toolCalls: [
          {
            id: uniqueId("call"),
            name: "write_document",
            arguments: { document: NEW },
            argumentChunks: 6,
          },
        ],
      },
      ...followUps,
    ],
  });
  const turn = { ...firstTurn({ text: `Rewrite the story ${marker}` }), state: { document: OLD } };
  await admitAndExecute(crew.runtime, userId, turn);
  const events = await runEvents(crew.runtime, turn.runId);
  return { userId, marker, turn, events };
}

function interruptOf(events: StoredAgUiEvent[]) {
  const finished = events.at(-1) as { outcome?: { type: string; interrupts: { id: string }[] } };
  const interrupt = finished.outcome?.interrupts[0];
  if (!interrupt) throw new Error(`no interrupt: ${events.map((event) => event.type)}`);
  return interrupt;
}

describe("predictive state", () => {
  it("streams the document into the state while the model writes it, then asks to confirm; the stored state is unchanged", async () => {
    const { turn, events } = await proposeDocument([]);

    const types = events.map((event) => event.type);
    const predict = events.find((event) => event.type === "CUSTOM");
    expect(predict).toMatchObject({
      name: "PredictState",
      value: [{ state_key: "document", tool: "write_document", tool_argument: "document" }],
    });
    expect(types.indexOf("CUSTOM")).toBeLessThan(types.indexOf("TOOL_CALL_START"));
    // Deltas interleave with the arguments as they stream.
    const firstDelta = types.indexOf("STATE_DELTA");
    expect(firstDelta).toBeGreaterThan(types.indexOf("TOOL_CALL_START"));
    expect(firstDelta).toBeLessThan(types.indexOf("TOOL_CALL_END"));

    const { seen } = applyStateEvents({ document: OLD }, events);
    const documents = seen.map((state) => String(state.document));
    // The client's document grows towards the new text, chunk by chunk.
    expect(documents.length).toBeGreaterThan(3);
    for (const text of documents) expect(NEW.startsWith(text)).toBe(true);
    expect(documents.at(-1)).toBe(NEW);

    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "interrupt" } });
    expect(agentStateOf(await sessionRow(crew.database, turn.threadId))).toEqual({ document: OLD });
  });

  it("a rejection puts the state back (STATE_SNAPSHOT with the old text), stored and streamed", async () => {
    const { userId, turn, events } = await proposeDocument([{ text: "Kept the old story." }]);
    const resume = {
      threadId: turn.threadId,
      runId: uniqueId("run"),
      messages: turn.messages,
      tools: [],
      context: [],
      // The client still shows the proposal (it applied the deltas): the rejection wins.
      state: { document: NEW },
      resume: [
        { interruptId: interruptOf(events).id, status: "resolved", payload: { approved: false } },
      ],
    };
    await admitAndExecute(crew.runtime, userId, resume);

    const resumed = await runEvents(crew.runtime, resume.runId);
    const client = applyStateEvents({ document: NEW }, resumed);
    expect(client.state).toEqual({ document: OLD });
    expect(agentStateOf(await sessionRow(crew.database, turn.threadId))).toEqual({ document: OLD });
    expect(resumed.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "success" } });
  });

  it("an approval applies the document to the stored state", async () => {
    const { userId, turn, events } = await proposeDocument([{ text: "Done." }]);
    const resume = {
      threadId: turn.threadId,
      runId: uniqueId("run"),
      messages: turn.messages,
      tools: [],
      context: [],
      resume: [
        { interruptId: interruptOf(events).id, status: "resolved", payload: { approved: true } },
      ],
    };
    await admitAndExecute(crew.runtime, userId, resume);
    const resumed = await runEvents(crew.runtime, resume.runId);
    expect(applyStateEvents({ document: OLD }, resumed).state).toEqual({ document: NEW });
    expect(agentStateOf(await sessionRow(crew.database, turn.threadId))).toEqual({ document: NEW });
  });

  it("a predictive tool without confirmation applies its arguments when the call completes", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("plan");
    const steps = [
      { description: "Gather ingredients", status: "pending" },
      { description: "Bake", status: "pending" },
    ];
    crew.conversations.script(marker, {
      respond: [
        {
          toolCalls: [
            { id: uniqueId("call"), name: "plan_steps", arguments: { steps }, argumentChunks: 4 },
          ],
        },
        { text: "Here is the plan." },
      ],
    });
    const turn = firstTurn({ text: `Plan brownies ${marker}` });
    await admitAndExecute(crew.runtime, userId, turn);
    const events = await runEvents(crew.runtime, turn.runId);
    expect(applyStateEvents({}, events).state).toEqual({ steps });
    expect(agentStateOf(await sessionRow(crew.database, turn.threadId))).toEqual({ steps });
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "success" } });
  });
});
