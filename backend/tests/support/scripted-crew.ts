import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import { ScriptedConversations } from "./crew-runs.js";
import { connectTestDatabase } from "./database.js";
import { InProcessRuntime } from "./in-process-runtime.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "./scripted-openai-server.js";
import { scriptedDeepseek } from "./test-settings.js";

/** What a crew-runtime test file shares; the fields are set once its `beforeAll` has run. */
export interface ScriptedCrew {
  server: ScriptedOpenAiServer;
  conversations: ScriptedConversations;
  runtime: InProcessRuntime;
  database: DatabaseHandle;
}

/**
 * Registers the file's `beforeAll`/`afterAll`: a scripted OpenAI-compatible server, the
 * in-process runtime pointed at it (as deepseek), and a small database pool for assertions.
 */
export function useScriptedCrew(extraEnvironment: Record<string, string> = {}): ScriptedCrew {
  const crew: Partial<ScriptedCrew> = {};
  beforeAll(async () => {
    crew.server = await startScriptedOpenAiServer();
    crew.conversations = new ScriptedConversations(crew.server);
    crew.runtime = await InProcessRuntime.start({
      ...scriptedDeepseek(crew.server.baseUrl),
      ...extraEnvironment,
    });
    crew.database = connectTestDatabase(2);
  });
  afterAll(async () => {
    await crew.runtime?.close();
    await crew.server?.close();
    await crew.database?.close();
  });
  // The fields are read only inside tests, after beforeAll has filled them in.
  return crew as ScriptedCrew;
}
