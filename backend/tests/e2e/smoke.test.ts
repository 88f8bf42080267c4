import { HttpAgent } from "@ag-ui/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { uniqueId } from "../support/database.js";
import { tokenFor } from "../support/jwt.js";
import { startServices } from "../support/service-processes.js";
import { testEnvironment } from "../support/test-settings.js";

let services: Awaited<ReturnType<typeof startServices>>;

beforeAll(async () => {
  services = await startServices(testEnvironment());
}, 60_000);
afterAll(() => services?.stop());

it("runs a demo turn through separate api and worker processes with HttpAgent", async () => {
  const agent = new HttpAgent({
    url: `${services.baseUrl}/api/v1/agent/runs`,
    headers: { authorization: `Bearer ${await tokenFor("smoke-user")}` },
    threadId: uniqueId("thread"),
    initialMessages: [{ id: uniqueId("m"), role: "user", content: "hello there" }],
  });
  const types: string[] = [];
  await agent.runAgent(
    { runId: uniqueId("run") },
    { onEvent: ({ event }) => void types.push(event.type) },
  );
  expect(types[0]).toBe("RUN_STARTED");
  expect(types.at(-1)).toBe("RUN_FINISHED");
  expect(agent.messages.at(-1)?.role).toBe("assistant");
});
