import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admitAndExecute,
  firstTurn,
  llmCallRows,
  messageRows,
  runEvents,
  runRow,
  sessionRow,
} from "../../../../../support/crew-runs.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";
import { InProcessRuntime } from "../../../../../support/in-process-runtime.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";

let server: ScriptedOpenAiServer;
let runtime: InProcessRuntime;
let database: ReturnType<typeof connectTestDatabase>;

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  // deepseek-v3.2 is the default model and its base URL is set, but no deepseek key is.
  runtime = await InProcessRuntime.start({
    SOCIAL_LLM__DEFAULT_MODEL_CODE: "deepseek-v3.2",
    SOCIAL_LLM__PROVIDER_BASE_URLS__DEEPSEEK: server.baseUrl,
  });
  database = connectTestDatabase(2);
});

afterAll(async () => {
  await runtime?.close();
  await server?.close();
  await database?.close();
});

describe("a run whose model has no provider key", () => {
  it("fails with LLM_NOT_CONFIGURED naming the variable to set, without calling the provider", async () => {
    const turn = firstTurn({ text: `hello ${uniqueId("no-key")}` });

    await admitAndExecute(runtime, "dave", turn);

    expect(server.requests).toHaveLength(0);
    const run = await runRow(database, turn.runId);
    expect(run).toMatchObject({ status: "failed", errorCode: "LLM_NOT_CONFIGURED" });
    expect(run.errorMessage).toContain("SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK");
    const events = await runEvents(runtime, turn.runId);
    expect(events[0]?.type).toBe("RUN_STARTED");
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "LLM_NOT_CONFIGURED" });
    expect(String(events.at(-1)?.message)).toContain("SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK");
    expect(events.filter((event) => event.type === "RUN_ERROR")).toHaveLength(1);
    expect(events.some((event) => event.type === "RUN_FINISHED")).toBe(false);
    expect(await llmCallRows(database, turn.runId)).toEqual([]);
    // The user's turn is kept and the session is free for the next run.
    expect((await messageRows(database, turn.threadId)).map((row) => row.role)).toEqual(["user"]);
    expect(await sessionRow(database, turn.threadId)).toMatchObject({
      status: "failed",
      activeRunId: null,
    });
  });
});
