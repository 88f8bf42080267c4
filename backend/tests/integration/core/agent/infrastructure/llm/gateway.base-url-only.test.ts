import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../../../../src/core/agent/infrastructure/persistence/database.js";
import { admitAndExecute, firstTurn, messageRows } from "../../../../../support/crew-runs.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";
import { InProcessRuntime } from "../../../../../support/in-process-runtime.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";

let server: ScriptedOpenAiServer;
let runtime: InProcessRuntime;
let database: DatabaseHandle;

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  server.setModels({ ids: ["gateway-model-a", "gateway-model-b"] });
  // The README's one line: nothing but the gateway's base URL.
  runtime = await InProcessRuntime.start({
    SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: server.baseUrl,
  });
  database = connectTestDatabase(2);
});
afterAll(async () => {
  await runtime?.close();
  await server?.close();
  await database?.close();
});

describe("a runtime configured with only an OpenAI-compatible base URL", () => {
  it("runs turns on the first model the gateway lists", async () => {
    server.setHandler(() => ({ text: "From the gateway." }));
    const turn = {
      ...firstTurn({ text: `Hello ${uniqueId("gw")}` }),
      forwardedProps: { agent: "single" },
    };

    await admitAndExecute(runtime, "alice", turn);

    expect(server.modelListRequests.length).toBeGreaterThanOrEqual(1);
    expect(server.requests.at(-1)?.body.model).toBe("gateway-model-a");
    expect((await messageRows(database, turn.threadId)).at(-1)?.content).toBe("From the gateway.");
  });
});
