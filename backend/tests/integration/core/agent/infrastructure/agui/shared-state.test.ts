import { describe, expect, it } from "vitest";
import {
  AGUI_CONFIG,
  applyStateEvents,
  postRun,
  stateShownToModel,
  systemPromptOfRequest,
} from "../../../../../support/agui-crew.js";
import {
  admitAndExecute,
  firstTurn,
  messageRows,
  runEvents,
  sessionRow,
  wireMessages,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew({
  SOCIAL_RUNTIME__CONFIG_DIR: AGUI_CONFIG,
  SOCIAL_RUNTIME__AGENT_STATE_MAX_BYTES: "2048",
});

function types(events: { type: string }[]): string[] {
  return events.map((event) => event.type);
}

describe("AG-UI shared state", () => {
  it("shows the model the client's state, streams the agent's JSON Patch as STATE_DELTA, and the next run starts from it", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("recipe");
    const initial = { recipe: { title: "Soup", ingredients: ["Water"] } };
    crew.conversations.script(marker, {
      respond: [
        {
          toolCalls: [
            {
              id: "call_state_1",
              name: "agui_update_state",
              arguments: {
                operations: [
                  { op: "replace", path: "/recipe/title", value: "Pasta" },
                  { op: "add", path: "/recipe/ingredients/-", value: "Salt" },
                ],
              },
            },
          ],
        },
        { text: "Your recipe is now pasta." },
        { text: "It has water and salt." },
      ],
    });
    const turn = { ...firstTurn({ text: `Make it pasta ${marker}` }), state: initial };

    await admitAndExecute(crew.runtime, userId, turn);

    const [first, second] = crew.conversations.requestsFor(marker);
    expect(stateShownToModel(first?.body)).toEqual(initial);
    expect(systemPromptOfRequest(first?.body)).toContain(
      "Change it with the agui.update_state tool",
    );
    const expected = { recipe: { title: "Pasta", ingredients: ["Water", "Salt"] } };
    // The step after the change already sees it.
    expect(stateShownToModel(second?.body)).toEqual(expected);

    const events = await runEvents(crew.runtime, turn.runId);
    const deltas = events.filter((event) => event.type === "STATE_DELTA");
    expect(deltas).toHaveLength(1);
    expect(types(events).indexOf("STATE_DELTA")).toBeGreaterThan(
      types(events).indexOf("TOOL_CALL_RESULT"),
    );
    // The client's copy takes the delta cleanly and ends where the server is.
    expect(applyStateEvents(initial, events).state).toEqual(expected);
    expect((await sessionRow(crew.database, turn.threadId)).stateSnapshot).toMatchObject({
      agent_state: expected,
    });

    // Next turn, no state sent (a reloaded page): the run announces the thread's state and the
    // model sees it.
    const next = {
      threadId: turn.threadId,
      runId: uniqueId("run"),
      messages: [
        ...turn.messages,
        { id: uniqueId("msg"), role: "user", content: `What is in it? ${marker}` },
      ],
      tools: [],
      context: [],
    };
    await admitAndExecute(crew.runtime, userId, next);
    const nextEvents = await runEvents(crew.runtime, next.runId);
    expect(types(nextEvents).slice(0, 2)).toEqual(["RUN_STARTED", "STATE_SNAPSHOT"]);
    expect(nextEvents[1]?.snapshot).toEqual(expected);
    expect(stateShownToModel(crew.conversations.requestsFor(marker)[2]?.body)).toEqual(expected);
  });

  it("merges a client's partial state key by key and announces the merged state", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("merge");
    crew.conversations.script(marker, { respond: [{ text: "one" }, { text: "two" }] });
    const turn = {
      ...firstTurn({ text: `hello ${marker}` }),
      state: { recipe: { title: "Soup" }, theme: "light" },
    };
    await admitAndExecute(crew.runtime, userId, turn);
    // The first run held exactly what the client sent: nothing to announce.
    expect(types(await runEvents(crew.runtime, turn.runId))).not.toContain("STATE_SNAPSHOT");

    const next = {
      threadId: turn.threadId,
      runId: uniqueId("run"),
      messages: [
        ...turn.messages,
        { id: uniqueId("msg"), role: "user", content: `again ${marker}` },
      ],
      tools: [],
      context: [],
      state: { theme: "dark" },
    };
    await admitAndExecute(crew.runtime, userId, next);
    const merged = { recipe: { title: "Soup" }, theme: "dark" };
    const events = await runEvents(crew.runtime, next.runId);
    expect(events.find((event) => event.type === "STATE_SNAPSHOT")?.snapshot).toEqual(merged);
    expect((await sessionRow(crew.database, turn.threadId)).stateSnapshot).toMatchObject({
      agent_state: merged,
    });
    expect(stateShownToModel(crew.conversations.requestsFor(marker)[1]?.body)).toEqual(merged);
  });

  it("refuses a patch that does not apply as an error result the model sees; the state stays", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("badpatch");
    crew.conversations.script(marker, {
      respond: [
        {
          toolCalls: [
            {
              id: "call_bad_patch",
              name: "agui_update_state",
              arguments: { operations: [{ op: "replace", path: "/missing/title", value: "x" }] },
            },
          ],
        },
        { text: "I could not change it." },
      ],
    });
    const turn = {
      ...firstTurn({ text: `break it ${marker}` }),
      state: { recipe: { title: "Soup" } },
    };
    await admitAndExecute(crew.runtime, userId, turn);

    const events = await runEvents(crew.runtime, turn.runId);
    expect(types(events)).not.toContain("STATE_DELTA");
    const rows = await messageRows(crew.database, turn.threadId);
    const tool = rows.find((row) => row.role === "tool");
    expect(tool?.error).toMatch(/state not changed/);
    const [, followUp] = crew.conversations.requestsFor(marker);
    expect(wireMessages(followUp?.body).at(-1)?.content).toContain("state not changed");
    expect((await sessionRow(crew.database, turn.threadId)).stateSnapshot).toMatchObject({
      agent_state: { recipe: { title: "Soup" } },
    });
  });

  it("refuses an agent's change that would grow the state past the limit", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("bigpatch");
    crew.conversations.script(marker, {
      respond: [
        {
          toolCalls: [
            {
              id: "call_big_patch",
              name: "agui_update_state",
              arguments: { operations: [{ op: "add", path: "/blob", value: "x".repeat(3000) }] },
            },
          ],
        },
        { text: "Too big." },
      ],
    });
    const turn = { ...firstTurn({ text: `grow it ${marker}` }), state: { a: 1 } };
    await admitAndExecute(crew.runtime, userId, turn);
    const tool = (await messageRows(crew.database, turn.threadId)).find(
      (row) => row.role === "tool",
    );
    expect(tool?.error).toMatch(/more than the 2048 allowed/);
    expect((await sessionRow(crew.database, turn.threadId)).stateSnapshot).toMatchObject({
      agent_state: { a: 1 },
    });
  });

  it("refuses a client state above the limit with 400 naming body.state", async () => {
    const refused = await postRun(crew.runtime, uniqueId("user"), {
      ...firstTurn({ text: "hi" }),
      state: { blob: "x".repeat(3000) },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { issues: [expect.objectContaining({ field: "body.state" })] },
    });
  });
});
