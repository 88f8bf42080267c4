import { HitlClient } from "./hitl-client.js";
import { HitlDatabase } from "./hitl-database.js";
import { ScriptedConversations } from "./hitl-scripted-conversations.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "./scripted-openai-server.js";
import { type Services, startServices } from "./service-processes.js";
import { scriptedDeepseek, testEnvironment } from "./test-settings.js";

/** What one human-in-the-loop test file shares: processes, scripted model, client, database. */
export interface HitlEnvironment {
  services: Services;
  server: ScriptedOpenAiServer;
  conversations: ScriptedConversations;
  client: HitlClient;
  db: HitlDatabase;
  stop(): Promise<void>;
}

/**
 * Starts the scripted model, then `api` and `worker` as separate processes pointed at it
 * (the default model `deepseek-v3.2` talks to the scripted server), plus a client and a
 * database reader. `stop()` releases everything that was started, even after a failure.
 */
export async function startHitlEnvironment(
  extraEnvironment: Record<string, string> = {},
): Promise<HitlEnvironment> {
  const server = await startScriptedOpenAiServer();
  const db = new HitlDatabase();
  let services: Services;
  try {
    services = await startServices(
      testEnvironment({ ...scriptedDeepseek(server.baseUrl), ...extraEnvironment }),
    );
  } catch (error) {
    await Promise.allSettled([server.close(), db.close()]);
    throw error;
  }
  return {
    services,
    server,
    conversations: new ScriptedConversations(server),
    client: new HitlClient(services.baseUrl),
    db,
    stop: async () => {
      // The processes first (they talk to the scripted server); each step runs even if one fails.
      await services.stop().catch(() => {});
      await Promise.allSettled([server.close(), db.close()]);
    },
  };
}
