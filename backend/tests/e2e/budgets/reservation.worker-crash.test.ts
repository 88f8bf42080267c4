import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTestDatabase, uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../support/scripted-stages.js";
import {
  type ServiceProcess,
  type Services,
  startServices,
} from "../../support/service-processes.js";
import { frameType, readRunFrames } from "../../support/sse-event-reader.js";
import { scriptedDeepseek, testEnvironment } from "../../support/test-settings.js";

const TTL_SECONDS = 3;

let server: ScriptedOpenAiServer;
let stages: ScriptedStages;
let services: Services;
let replacement: ServiceProcess | undefined;
const database = connectTestDatabase(2);

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  stages = new ScriptedStages(server);
  services = await startServices(
    testEnvironment({
      ...scriptedDeepseek(server.baseUrl),
      SOCIAL_BUDGETS__ENABLED: "true",
      SOCIAL_BUDGETS__USER__USD: "5",
      SOCIAL_BUDGETS__USER__PERIOD: "daily",
      SOCIAL_BUDGETS__RESERVATION_TTL_SECONDS: String(TTL_SECONDS),
    }),
  );
}, 60_000);

afterAll(async () => {
  await replacement?.stop();
  await services?.stop();
  await server?.close();
  await database.close();
});

async function reservationsOf(runId: string) {
  const { rows } = await database.pool.query<{ id: string; live: boolean }>(
    "select id, expires_at > now() as live from budget_reservations where run_id = $1",
    [runId],
  );
  return rows;
}

describe("reservations of a worker that dies mid-call", () => {
  it("stop counting once they expire, without any other process, while the run is finished by another worker", async () => {
    const userId = uniqueId("crashed-user");
    const marker = uniqueId("crash");
    stages.script(marker, {
      respond: (call) =>
        call === 1
          ? { text: ["Half ", "an ", "answer"], hangAfterChunks: 3 }
          : { text: "The whole answer.", usage: { prompt_tokens: 300, completion_tokens: 5 } },
    });
    const client = RunApiClient.forUser(services.baseUrl, userId);
    const input = runInput({ text: `Survive the crash ${marker}` });
    expect((await client.postRun(input)).status).toBe(202);

    const connection = new AbortController();
    await readRunFrames({
      response: await client.openEvents(input.runId, { signal: connection.signal }),
      stopAt: (frame) => frameType(frame) === "TEXT_MESSAGE_CONTENT",
      abort: connection,
    });
    // The call in flight holds its reservation; the intent call's was settled by its checkpoint.
    const held = await reservationsOf(input.runId);
    expect(held).toEqual([{ id: expect.any(String), live: true }]);
    const before = (await client.getJson("/budget")).json as { user: { reserved_usd: string } };
    expect(Number(before.user.reserved_usd)).toBeGreaterThan(0);

    await services.worker.kill();
    replacement = await services.startWorker();
    const run = await client.waitForRun(input.runId, ["succeeded", "failed"], 45_000);
    expect(run).toMatchObject({ status: "succeeded", error: null });

    // The dead worker's reservation expires on its own and stops counting.
    const deadline = Date.now() + (TTL_SECONDS + 10) * 1000;
    let reserved = before.user.reserved_usd;
    while (Number(reserved) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      reserved = ((await client.getJson("/budget")).json as { user: { reserved_usd: string } }).user
        .reserved_usd;
    }
    expect(reserved).toBe("0.000000000000");
    expect((await reservationsOf(input.runId)).every((row) => !row.live)).toBe(true);

    // Its room is back: the spend is the settled calls only, and the user's next call removes
    // the expired row.
    const budget = (await client.getJson("/budget")).json as { user: { spent_usd: string } };
    const { rows } = await database.pool.query<{ cost: string }>(
      "select coalesce(sum(cost_usd), 0)::numeric(20, 12)::text as cost from llm_calls where user_id = $1",
      [userId],
    );
    expect(budget.user.spent_usd).toBe(rows[0]?.cost);
    const nextMarker = uniqueId("after-crash");
    stages.script(nextMarker, { respond: { text: "Fine again." } });
    const next = runInput({ text: `And now? ${nextMarker}` });
    expect((await client.postRun(next)).status).toBe(202);
    expect(await client.waitForRun(next.runId, ["succeeded", "failed"])).toMatchObject({
      status: "succeeded",
    });
    expect(await reservationsOf(input.runId)).toEqual([]);
  });
});
