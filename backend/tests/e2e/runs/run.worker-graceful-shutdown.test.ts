import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/core/agent/infrastructure/persistence/database.js";
import { parseAgUiFrames, verifyAgUiEvents } from "../../support/agui-stream-checks.js";
import { connectTestDatabase, uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { readRunRows } from "../../support/run-rows.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../support/scripted-stages.js";
import { type ServiceProcess, startServices } from "../../support/service-processes.js";
import { frameType, readRunFrames } from "../../support/sse-event-reader.js";
import { scriptedDeepseek, testEnvironment } from "../../support/test-settings.js";

const FINAL_CHUNKS = ["Finished ", "by the ", "next worker."];

let server: ScriptedOpenAiServer;
let stages: ScriptedStages;
let services: Awaited<ReturnType<typeof startServices>> | undefined;
let database: DatabaseHandle;
const extraWorkers: ServiceProcess[] = [];

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  stages = new ScriptedStages(server);
  database = connectTestDatabase(2);
  // testEnvironment gives the worker a 1 s shutdown grace.
  services = await startServices(testEnvironment(scriptedDeepseek(server.baseUrl)));
}, 60_000);

afterAll(async () => {
  await Promise.all(extraWorkers.map((extra) => extra.stop()));
  await services?.stop();
  await database?.close();
  await server?.close();
});

describe("a worker stopped with SIGTERM in the middle of a run", () => {
  it("hands the run back after the grace period and exits; another worker finishes it", async () => {
    const userId = uniqueId("user");
    const marker = uniqueId("shutdown");
    // The first answer hangs after two chunks, longer than the grace period; later ones finish.
    stages.script(marker, {
      respond: (call) =>
        call === 1
          ? { text: ["Started ", "but ", "never"], hangAfterChunks: 2 }
          : { text: FINAL_CHUNKS },
    });
    const client = RunApiClient.forUser(services?.baseUrl as string, userId);
    const input = runInput({ text: `Stop gracefully ${marker}` });
    expect((await client.postRun(input)).status).toBe(202);
    const connection = new AbortController();
    await readRunFrames({
      response: await client.openEvents(input.runId, { signal: connection.signal }),
      stopAt: (frame) => frameType(frame) === "TEXT_MESSAGE_CONTENT",
      abort: connection,
    });

    const stopping = services?.worker as ServiceProcess;
    await stopping.stop();
    expect(stopping.child.exitCode).toBe(0);
    const handedBack = await client.getJson(`/runs/${input.runId}`);
    expect(handedBack.json).toMatchObject({ status: "running" });

    const next = await (services as NonNullable<typeof services>).startWorker();
    extraWorkers.push(next);
    const run = await client.waitForRun(input.runId, ["succeeded", "failed", "cancelled"], 30_000);
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(stages.callCount(marker, "respond")).toBe(2);

    const rows = await readRunRows(database, { sessionId: input.threadId, runId: input.runId });
    expect(rows.messages.map((message) => [message.seq, message.role, message.content])).toEqual([
      [1, "user", input.messages[0]?.content],
      [2, "assistant", FINAL_CHUNKS.join("")],
    ]);
    const replay = await readRunFrames({ response: await client.openEvents(input.runId) });
    const events = parseAgUiFrames(replay.frames);
    await verifyAgUiEvents(events);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
  });
});
