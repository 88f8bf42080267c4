import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";
import { freePort, ServiceProcess } from "../../support/service-processes.js";
import { testEnvironment } from "../../support/test-settings.js";

let server: ScriptedOpenAiServer;
beforeAll(async () => {
  server = await startScriptedOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

describe("a worker given only an OpenAI-compatible base URL", () => {
  it("refuses to start with one message saying what to set when the gateway lists no model, and `all` never serves /readyz", async () => {
    server.setModels({ status: 404 });
    const port = await freePort();
    const environment = testEnvironment({
      SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: server.baseUrl,
      SOCIAL_HTTP__PORT: String(port),
      SOCIAL_AUTH__JWT_SECRET: "x".repeat(40),
    });
    const worker = ServiceProcess.spawn("worker", environment);
    const all = ServiceProcess.spawn("all", environment);

    const [workerExit, allExit] = await Promise.all([worker.waitForExit(), all.waitForExit()]);

    expect(workerExit).toBe(78);
    expect(allExit).toBe(78);
    const output = worker.output.join("");
    expect(output).toContain("No model for the openai-compatible endpoint");
    expect(output).toContain("Set SOCIAL_LLM__OPENAI_COMPATIBLE_MODEL");
    expect(output).not.toContain("worker ready");
    expect(all.output.join("")).not.toContain("api ready");
    await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow();
  }, 60_000);

  it("starts on the first model the gateway lists", async () => {
    server.setModels({ ids: ["served-model"] });
    const worker = ServiceProcess.spawn(
      "worker",
      testEnvironment({
        SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI_COMPATIBLE: server.baseUrl,
        SOCIAL_LOG__LEVEL: "info",
      }),
    );
    try {
      await worker.waitForLog("worker ready");
      expect(worker.output.join("")).toContain('using \\"served-model\\", the first model');
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
