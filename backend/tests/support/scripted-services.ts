import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import { connectTestDatabase } from "./database.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "./scripted-openai-server.js";
import { ScriptedStages } from "./scripted-stages.js";
import { type Services, startServices } from "./service-processes.js";
import { scriptedDeepseek, testEnvironment } from "./test-settings.js";

/** What an end-to-end run test file shares; the fields are set once its `beforeAll` has run. */
export interface ScriptedServices {
  server: ScriptedOpenAiServer;
  stages: ScriptedStages;
  services: Services;
  database: DatabaseHandle;
}

/**
 * Registers the file's `beforeAll`/`afterAll`: a scripted OpenAI-compatible server (the default
 * model `deepseek-v3.2` talks to it), `api` and `worker` as separate processes, and a small
 * database pool for assertions. Everything started is stopped, even after a failed start.
 */
export function useScriptedServices(): ScriptedServices {
  const harness: Partial<ScriptedServices> = {};
  beforeAll(async () => {
    harness.server = await startScriptedOpenAiServer();
    harness.stages = new ScriptedStages(harness.server);
    harness.database = connectTestDatabase(2);
    // testEnvironment gives the worker a 1 s shutdown grace.
    harness.services = await startServices(
      testEnvironment(scriptedDeepseek(harness.server.baseUrl)),
    );
  }, 60_000);
  afterAll(async () => {
    await harness.services?.stop();
    await harness.database?.close();
    await harness.server?.close();
  });
  // The fields are read only inside tests and later hooks, after beforeAll has filled them in.
  return harness as ScriptedServices;
}
