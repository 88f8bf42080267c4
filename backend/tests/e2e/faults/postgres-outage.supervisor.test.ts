import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../support/database.js";
import {
  type FaultFigures,
  faultFigures,
  messageProblems,
  waitUntilNothingActive,
} from "../../support/fault-figures.js";
import {
  createIsolatedDatabase,
  databaseUrlVia,
  type IsolatedDatabase,
} from "../../support/isolated-database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../support/scripted-stages.js";
import { type Services, startServices } from "../../support/service-processes.js";
import { TcpProxy } from "../../support/tcp-proxy.js";
import { scriptedDeepseek, testEnvironment } from "../../support/test-settings.js";

/**
 * Postgres unreachable for 30 s with runs in flight: api and worker reach their own database
 * through a TCP proxy this test cuts (the machine's Postgres itself is never touched).
 */
const OUTAGE_MS = 30_000;

/**
 * One outage: `environment` on top of the test settings; `spendsAttempts`: the outage outlasts
 * the outage budget, so runs spend their attempts and the supervisor must take them over.
 */
function outage(title: string, environment: Record<string, string>, spendsAttempts: boolean) {
  let database: IsolatedDatabase;
  let proxy: TcpProxy;
  let server: ScriptedOpenAiServer;
  let stages: ScriptedStages;
  let services: Services;
  let sql: pg.Pool;
  let figures: FaultFigures | undefined;

  beforeAll(async () => {
    database = await createIsolatedDatabase();
    const target = new URL(database.url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    server = await startScriptedOpenAiServer();
    stages = new ScriptedStages(server);
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    services = await startServices(
      testEnvironment({
        ...scriptedDeepseek(server.baseUrl),
        SOCIAL_DATABASE__URL: databaseUrlVia(database.url, proxy.port),
        SOCIAL_SUPERVISOR__ENABLED: "true",
        SOCIAL_SUPERVISOR__INTERVAL_MS: "1000",
        SOCIAL_SUPERVISOR__LEASE_MS: "3000",
        ...environment,
      }),
    );
  }, 60_000);

  afterAll(async () => {
    if (figures) console.info(`postgres outage figures (${title})`, JSON.stringify(figures));
    await services?.stop();
    await proxy?.stop();
    await server?.close();
    await sql?.end();
    await database?.drop();
  });

  describe(`Postgres unreachable for 30 s with runs in flight (${title})`, () => {
    it("answers 503 meanwhile, then every run ends and api and worker serve again without a restart", async () => {
      const client = RunApiClient.forUser(services.baseUrl, uniqueId("user"));
      const inFlight = Array.from({ length: 6 }, () => {
        const marker = uniqueId("outage");
        stages.script(marker, {
          respond: {
            text: Array.from({ length: 8 }, (_, index) => `chunk ${index} `),
            chunkDelayMs: 300,
          },
        });
        return runInput({ text: `In flight ${marker}` });
      });
      for (const input of inFlight) expect((await client.postRun(input)).status).toBe(202);
      await client.waitForRun(inFlight[0]?.runId ?? "", ["running"]);

      await proxy.cut();
      const outageStarted = Date.now();

      // Readiness tells the truth within a second.
      const probeStarted = Date.now();
      const ready = await fetch(`${services.baseUrl}/readyz`);
      expect(Date.now() - probeStarted).toBeLessThan(1500);
      expect(ready.status).toBe(503);
      expect(ready.headers.get("retry-after")).toBe("5");
      expect(await ready.json()).toMatchObject({
        checks: { postgres: "unreachable", redis: "ok" },
        error: { code: "SERVICE_UNAVAILABLE", details: { dependency: "postgres" } },
      });

      // A new run is refused with 503, not 500.
      const refused = await client.request("/runs", {
        body: runInput({ text: "during the outage" }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("5");
      expect(await refused.json()).toMatchObject({
        error: { code: "SERVICE_UNAVAILABLE", details: { dependency: "postgres" } },
      });

      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)));
      await proxy.restore();
      const outageEnded = Date.now();

      const settleMs = await waitUntilNothingActive(sql, 90_000);
      expect(Date.now() - outageEnded).toBeLessThan(90_000);
      for (const input of inFlight) {
        const run = await client.waitForRun(input.runId);
        // Succeeded after the recovery, or failed with its code; never left queued or running.
        expect(["succeeded", "failed"]).toContain(run.status);
        if (run.status === "failed")
          expect((run.error as { code?: string }).code).toMatch(/^[A-Z_]+$/);
      }

      // Both processes serve again without a restart.
      expect((await fetch(`${services.baseUrl}/readyz`)).status).toBe(200);
      const marker = uniqueId("after");
      stages.script(marker, { respond: { text: ["Back ", "again."] } });
      const after = runInput({ text: `After the outage ${marker}` });
      expect((await client.postRun(after)).status).toBe(202);
      expect((await client.waitForRun(after.runId)).status).toBe("succeeded");

      expect(await messageProblems(sql)).toEqual([]);
      figures = { ...(await faultFigures(sql)) };
      console.info(`postgres outage (${title}): runs settled`, settleMs, "ms after it ended");
      expect(figures.stuck).toBe(0);
      expect(figures.givenUp).toBe(0);
      if (spendsAttempts) expect(figures.recovered).toBeGreaterThan(0);
      else expect(figures.recovered).toBe(0);
    }, 240_000);
  });
}

outage("waited out within the outage budget", {}, false);
outage(
  "longer than the outage budget: the jobs fail, the supervisor takes over",
  { SOCIAL_QUEUE__OUTAGE_BUDGET_MS: "2000" },
  true,
);
