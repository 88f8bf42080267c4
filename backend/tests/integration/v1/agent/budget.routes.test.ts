import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBudgetCrewConfig } from "../../../support/budget-crew-config.js";
import { firstTurn } from "../../../support/crew-runs.js";
import { connectTestDatabase, uniqueId } from "../../../support/database.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { adminHeaders, authHeaders } from "../../../support/jwt.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../../support/scripted-stages.js";
import { scriptedDeepseek } from "../../../support/test-settings.js";

const DAILY_USD = "0.003";

let server: ScriptedOpenAiServer;
let stages: ScriptedStages;
let runtime: InProcessRuntime;
/** The same service with budgets off. */
let unbudgeted: InProcessRuntime;
let configDirectory: string;
const database = connectTestDatabase(2);

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  stages = new ScriptedStages(server);
  configDirectory = writeBudgetCrewConfig();
  const environment = {
    ...scriptedDeepseek(server.baseUrl),
    SOCIAL_RUNTIME__CONFIG_DIR: configDirectory,
    SOCIAL_DATABASE__POOL_MAX: "4",
  };
  runtime = await InProcessRuntime.start({
    ...environment,
    SOCIAL_BUDGETS__ENABLED: "true",
    SOCIAL_BUDGETS__USER__USD: DAILY_USD,
    SOCIAL_BUDGETS__USER__PERIOD: "daily",
  });
  unbudgeted = await InProcessRuntime.start(environment);
});

afterAll(async () => {
  await runtime?.close();
  await unbudgeted?.close();
  await server?.close();
  await database.close();
  if (configDirectory) rmSync(configDirectory, { recursive: true, force: true });
});

function turnFor(marker: string) {
  stages.script(marker, {
    intent: { text: "question", usage: { prompt_tokens: 200, completion_tokens: 3 } },
    respond: { text: "An answer.", usage: { prompt_tokens: 250, completion_tokens: 80 } },
  });
  return firstTurn({ text: `What does it cost? ${marker}` });
}

async function postRun(target: InProcessRuntime, userId: string, body: Record<string, unknown>) {
  return target.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: await authHeaders(userId),
    payload: body,
  });
}

/** A finished run of `userId` (executed in this process, as a worker would). */
async function spendOnce(target: InProcessRuntime, userId: string) {
  const turn = turnFor(uniqueId("spend"));
  expect((await postRun(target, userId, turn)).statusCode).toBe(202);
  await target.executeJob(turn.runId);
  return turn;
}

async function spentBy(userId: string): Promise<string> {
  const { rows } = await database.pool.query<{ cost: string }>(
    "select coalesce(sum(cost_usd), 0)::numeric(20, 12)::text as cost from llm_calls where user_id = $1",
    [userId],
  );
  return rows[0]?.cost ?? "0";
}

async function budgetOf(userId: string) {
  const response = await runtime.app.inject({
    method: "GET",
    url: "/api/v1/agent/budget",
    headers: await authHeaders(userId),
  });
  expect(response.statusCode).toBe(200);
  return response.json();
}

function tomorrowUtc(): string {
  const now = new Date();
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1),
  ).toISOString();
}

describe("GET /budget", () => {
  it("shows the caller's limit, period, what is spent and held, what is left and when it resets", async () => {
    const userId = uniqueId("reader");
    expect(await budgetOf(userId)).toEqual({
      enabled: true,
      user_id: userId,
      soft_limit_ratio: 0.8,
      user: {
        limit_usd: DAILY_USD,
        limit_tokens: null,
        period: "daily",
        period_start: expect.any(String),
        resets_at: tomorrowUtc(),
        spent_usd: "0.000000000000",
        spent_tokens: 0,
        reserved_usd: "0.000000000000",
        reserved_tokens: 0,
        remaining_usd: DAILY_USD,
        remaining_tokens: null,
      },
      session_default: { limit_usd: null, limit_tokens: null },
      run_default: { limit_usd: null, limit_tokens: null },
      override: null,
    });

    await spendOnce(runtime, userId);
    const spent = await spentBy(userId);
    const after = await budgetOf(userId);
    expect(after.user.spent_usd).toBe(spent);
    expect(after.user.spent_tokens).toBe(200 + 3 + 250 + 80);
    expect(Number(after.user.remaining_usd)).toBeCloseTo(Number(DAILY_USD) - Number(spent), 12);
  });
});

describe("admission against a used-up budget", () => {
  it("answers 429 BUDGET_EXCEEDED with the limit, what is spent and when it resets, and queues nothing", async () => {
    const userId = uniqueId("broke");
    const admin = await adminHeaders(uniqueId("admin"));
    const first = await spendOnce(runtime, userId);
    const spent = await spentBy(userId);
    // The admin lowers the user's budget to exactly what is spent.
    const lowered = await runtime.app.inject({
      method: "PUT",
      url: `/api/v1/agent/admin/budgets/${userId}`,
      headers: admin,
      payload: { usd: spent },
    });
    expect(lowered.statusCode).toBe(200);
    expect(lowered.json()).toMatchObject({
      user_id: userId,
      user: { limit_usd: spent.replace(/0+$/, ""), remaining_usd: "0" },
      override: { usd: spent.replace(/0+$/, "") },
    });

    const next = turnFor(uniqueId("refused"));
    const refused = await postRun(runtime, userId, next);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: {
        code: "BUDGET_EXCEEDED",
        message: expect.stringContaining("The user budget of"),
        details: {
          scope: "user",
          measure: "usd",
          limit_usd: spent.replace(/0+$/, ""),
          spent_usd: spent,
          reserved_usd: "0.000000000000",
          period: "daily",
          resets_at: tomorrowUtc(),
        },
      },
    });
    const lookup = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${next.runId}`,
      headers: await authHeaders(userId),
    });
    expect(lookup.statusCode).toBe(404);

    // Replaying a run that was admitted before spends nothing new: it still answers.
    const replay = await postRun(runtime, userId, first);
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toMatchObject({ run_id: first.runId, replayed: true });

    // Without the override the default applies again and runs are admitted.
    const removed = await runtime.app.inject({
      method: "DELETE",
      url: `/api/v1/agent/admin/budgets/${userId}`,
      headers: admin,
    });
    expect(removed.statusCode).toBe(204);
    expect((await postRun(runtime, userId, next)).statusCode).toBe(202);
  });

  it("lets an override lift the limit altogether (usd: null)", async () => {
    const userId = uniqueId("unlimited");
    await spendOnce(runtime, userId);
    await runtime.app.inject({
      method: "PUT",
      url: `/api/v1/agent/admin/budgets/${userId}`,
      headers: await adminHeaders("root"),
      payload: { usd: "0" },
    });
    expect((await postRun(runtime, userId, turnFor(uniqueId("zero")))).statusCode).toBe(429);
    const lifted = await runtime.app.inject({
      method: "PUT",
      url: `/api/v1/agent/admin/budgets/${userId}`,
      headers: await adminHeaders("root"),
      payload: { usd: null },
    });
    expect(lifted.json().user).toMatchObject({ limit_usd: null, remaining_usd: null });
    expect((await postRun(runtime, userId, turnFor(uniqueId("lifted")))).statusCode).toBe(202);
  });
});

describe("the admin budget routes", () => {
  it("need the admin scope", async () => {
    const headers = await authHeaders(uniqueId("not-admin"));
    for (const [method, payload] of [
      ["GET", undefined],
      ["PUT", { usd: "100" }],
      ["DELETE", undefined],
    ] as const) {
      const response = await runtime.app.inject({
        method,
        url: "/api/v1/agent/admin/budgets/somebody",
        headers,
        ...(payload ? { payload } : {}),
      });
      expect(response.statusCode, method).toBe(403);
      expect(response.json().error.code).toBe("FORBIDDEN");
    }
  });

  it("show another user's budget to an admin, and 404 when deleting an override that is not there", async () => {
    const userId = uniqueId("watched");
    const admin = await adminHeaders(uniqueId("admin"));
    const shown = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/admin/budgets/${userId}`,
      headers: admin,
    });
    expect(shown.json()).toMatchObject({ user_id: userId, user: { limit_usd: DAILY_USD } });
    const missing = await runtime.app.inject({
      method: "DELETE",
      url: `/api/v1/agent/admin/budgets/${userId}`,
      headers: admin,
    });
    expect(missing.statusCode).toBe(404);
  });

  it("refuse overrides that are not a budget", async () => {
    const admin = await adminHeaders(uniqueId("admin"));
    for (const payload of [
      { usd: -1 },
      { usd: "1.0000000000001" },
      { tokens: 0 },
      { period: "weekly" },
      { limit: 5 },
    ]) {
      const response = await runtime.app.inject({
        method: "PUT",
        url: "/api/v1/agent/admin/budgets/someone",
        headers: admin,
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe("budgets off", () => {
  it("never reserves or checks: no budget statement runs, at admission or per call", async () => {
    const ledger = unbudgeted.root.budgetLedger;
    const used: string[] = [];
    ledger.reserve = async () => {
      used.push("reserve");
      throw new Error("no reservation expected");
    };
    const usage = ledger.usage.bind(ledger);
    ledger.usage = async (input) => {
      used.push("usage");
      return usage(input);
    };
    const userId = uniqueId("free");
    const turn = await spendOnce(unbudgeted, userId);
    expect(used).toEqual([]);
    const response = await unbudgeted.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${turn.runId}`,
      headers: await authHeaders(userId),
    });
    expect(response.json().status).toBe("succeeded");
    // The spend is still metered and shown.
    const budget = await unbudgeted.app.inject({
      method: "GET",
      url: "/api/v1/agent/budget",
      headers: await authHeaders(userId),
    });
    expect(budget.json()).toMatchObject({
      enabled: false,
      user: { limit_usd: null, spent_usd: await spentBy(userId) },
    });
  });
});
