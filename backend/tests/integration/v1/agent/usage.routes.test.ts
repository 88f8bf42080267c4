import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUDGET_MODEL,
  budgetModelCost,
  writeBudgetCrewConfig,
} from "../../../support/budget-crew-config.js";
import { admitAndExecute, firstTurn, llmCallRows } from "../../../support/crew-runs.js";
import { connectTestDatabase, uniqueId } from "../../../support/database.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { adminHeaders, authHeaders } from "../../../support/jwt.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../../support/scripted-stages.js";
import { scriptedDeepseek } from "../../../support/test-settings.js";

/** What the scripted model reports per stage: the numbers every sum must add up to. */
const USAGE = {
  intent: {
    prompt_tokens: 210,
    completion_tokens: 3,
    prompt_cache_hit_tokens: 10,
    prompt_cache_miss_tokens: 200,
  },
  respond: {
    prompt_tokens: 400,
    completion_tokens: 60,
    completion_tokens_details: { reasoning_tokens: 12 },
  },
};
const reportedCost = (stage: keyof typeof USAGE) =>
  budgetModelCost({ input: USAGE[stage].prompt_tokens, output: USAGE[stage].completion_tokens });

let server: ScriptedOpenAiServer;
let stages: ScriptedStages;
let runtime: InProcessRuntime;
let configDirectory: string;
const database = connectTestDatabase(2);
const alice = uniqueId("alice");
const bob = uniqueId("bob");
const aliceTurns: ReturnType<typeof firstTurn>[] = [];
let bobTurn: ReturnType<typeof firstTurn>;

async function metered(userId: string) {
  const marker = uniqueId("usage");
  stages.script(marker, {
    intent: { text: "question", usage: USAGE.intent },
    respond: { text: "Forty-two.", usage: USAGE.respond },
  });
  const turn = firstTurn({ text: `Count my tokens ${marker}` });
  await admitAndExecute(runtime, userId, turn);
  return turn;
}

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  stages = new ScriptedStages(server);
  configDirectory = writeBudgetCrewConfig();
  runtime = await InProcessRuntime.start({
    ...scriptedDeepseek(server.baseUrl),
    SOCIAL_RUNTIME__CONFIG_DIR: configDirectory,
    SOCIAL_DATABASE__POOL_MAX: "4",
  });
  aliceTurns.push(await metered(alice), await metered(alice));
  bobTurn = await metered(bob);
});

afterAll(async () => {
  await runtime?.close();
  await server?.close();
  await database.close();
  if (configDirectory) rmSync(configDirectory, { recursive: true, force: true });
});

async function get(path: string, headers: Record<string, string>) {
  return runtime.app.inject({ method: "GET", url: `/api/v1/agent${path}`, headers });
}

async function sqlTotals(userId: string | null) {
  const { rows } = await database.pool.query<{
    calls: number;
    input_tokens: number;
    output_tokens: number;
    cost_usd: string;
  }>(
    `select count(*)::int as calls, sum(input_tokens)::int as input_tokens,
            sum(output_tokens)::int as output_tokens,
            coalesce(sum(cost_usd), 0)::numeric(20, 12)::text as cost_usd
       from llm_calls where ($1::text is null or user_id = $1)
        and started_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'`,
    [userId],
  );
  return rows[0];
}

describe("the per-call breakdown of GET /runs/{id} and GET /sessions/{id}", () => {
  it("lists every provider call of the run with what the model reported and what it cost", async () => {
    const turn = aliceTurns[0];
    if (!turn) throw new Error("no turn");
    const response = await get(`/runs/${turn.runId}`, await authHeaders(alice));
    expect(response.statusCode).toBe(200);
    const run = response.json();
    const rows = await llmCallRows(database, turn.runId);
    expect(run.llm_calls.map((call: { id: string }) => call.id)).toEqual(rows.map((row) => row.id));
    expect(run.llm_calls).toEqual([
      expect.objectContaining({
        run_id: turn.runId,
        session_id: turn.threadId,
        agent_type: "intent",
        stage: "intent",
        provider: "deepseek",
        model_requested: BUDGET_MODEL.modelId,
        model_response: BUDGET_MODEL.modelId,
        status: "success",
        finish_reason: "stop",
        tokens: { input: 210, cache_read: 10, cache_write: 0, output: 3, reasoning: 0, total: 213 },
        cost_source: "override",
        error: null,
      }),
      expect.objectContaining({
        agent_type: "responder",
        stage: "respond",
        tokens: {
          input: 400,
          cache_read: 0,
          cache_write: 0,
          output: 60,
          reasoning: 12,
          total: 460,
        },
        cost_source: "override",
      }),
    ]);
    const [intent, respond] = run.llm_calls;
    expect(Number(respond.cost_usd)).toBeCloseTo(reportedCost("respond"), 12);
    // Cached input is priced at the input rate here (no cache price in the override).
    expect(Number(intent.cost_usd)).toBeCloseTo(reportedCost("intent"), 12);
    for (const call of run.llm_calls) {
      expect(call.latency_ms).toBe(Date.parse(call.ended_at) - Date.parse(call.started_at));
      expect(call.time_to_first_token_ms).toBe(
        Date.parse(call.first_token_at) - Date.parse(call.started_at),
      );
    }
    // The run's totals are the sum of its calls.
    expect(run.usage).toMatchObject({ llm_calls: 2, input_tokens: 610, output_tokens: 63 });
  });

  it("lists a session's calls across its runs, oldest first", async () => {
    const turn = aliceTurns[1];
    if (!turn) throw new Error("no turn");
    const session = (await get(`/sessions/${turn.threadId}`, await authHeaders(alice))).json();
    expect(session.llm_calls).toHaveLength(2);
    expect(
      session.llm_calls.every((call: { session_id: string }) => call.session_id === turn.threadId),
    ).toBe(true);
    const listed = (await get("/sessions", await authHeaders(alice))).json();
    expect(listed.sessions[0]).not.toHaveProperty("llm_calls");
  });

  it("never shows another user's run or session", async () => {
    expect((await get(`/runs/${bobTurn.runId}`, await authHeaders(alice))).statusCode).toBe(404);
    expect((await get(`/sessions/${bobTurn.threadId}`, await authHeaders(alice))).statusCode).toBe(
      404,
    );
  });
});

describe("GET /usage", () => {
  it("sums the caller's own calls exactly as Postgres does, and as the model reported them", async () => {
    const response = await get("/usage?group_by=model", await authHeaders(alice));
    expect(response.statusCode).toBe(200);
    const report = response.json();
    const expected = await sqlTotals(alice);
    expect(report).toMatchObject({
      user_id: alice,
      group_by: "model",
      totals: {
        calls: 4,
        failed_calls: 0,
        unpriced_calls: 0,
        input_tokens: 2 * (210 + 400),
        cache_read_tokens: 2 * 10,
        output_tokens: 2 * (3 + 60),
        reasoning_tokens: 2 * 12,
        total_tokens: 2 * (213 + 460),
        cost_usd: expected?.cost_usd,
      },
      groups: [
        {
          key: `deepseek/${BUDGET_MODEL.modelId}`,
          provider: "deepseek",
          model: BUDGET_MODEL.modelId,
          calls: 4,
          cost_usd: expected?.cost_usd,
        },
      ],
    });
    expect(Number(report.totals.cost_usd)).toBeCloseTo(
      2 * (reportedCost("intent") + reportedCost("respond")),
      12,
    );
  });

  it("groups by agent and by UTC day", async () => {
    const headers = await authHeaders(alice);
    const byAgent = (await get("/usage?group_by=agent", headers)).json();
    expect(
      byAgent.groups.map((group: { key: string; calls: number }) => [group.key, group.calls]),
    ).toEqual([
      ["intent", 2],
      ["responder", 2],
    ]);
    expect(Number(byAgent.groups[1].cost_usd)).toBeCloseTo(2 * reportedCost("respond"), 12);
    const byDay = (await get("/usage", headers)).json();
    expect(byDay.group_by).toBe("day");
    expect(byDay.groups).toEqual([
      expect.objectContaining({ key: new Date().toISOString().slice(0, 10), calls: 4 }),
    ]);
  });

  it("counts nothing outside the window", async () => {
    const report = (
      await get("/usage?from=2020-01-01&to=2020-02-01T00:00:00Z", await authHeaders(alice))
    ).json();
    expect(report.totals).toMatchObject({ calls: 0, cost_usd: "0.000000000000" });
    expect(report.groups).toEqual([]);
  });

  it("never shows another user's usage, unless the caller holds the admin scope", async () => {
    const mine = (await get("/usage", await authHeaders(bob))).json();
    expect(mine.totals.calls).toBe(2);
    const theirs = await get(`/usage?user_id=${alice}`, await authHeaders(bob));
    expect(theirs.statusCode).toBe(403);
    expect(theirs.json().error.code).toBe("FORBIDDEN");
    expect((await get("/usage?user_id=*", await authHeaders(bob))).statusCode).toBe(403);

    const admin = await adminHeaders(uniqueId("admin"));
    const aliceSeenByAdmin = (await get(`/usage?user_id=${alice}`, admin)).json();
    expect(aliceSeenByAdmin).toMatchObject({ user_id: alice, totals: { calls: 4 } });
    const everyone = (await get("/usage?user_id=*&group_by=user", admin)).json();
    expect(everyone.user_id).toBeNull();
    expect(everyone.totals.cost_usd).toBe((await sqlTotals(null))?.cost_usd);
    const users = everyone.groups.map((group: { key: string }) => group.key);
    expect(users).toEqual(expect.arrayContaining([alice, bob]));
  });

  it("needs a bearer token, like every route of the API", async () => {
    for (const path of ["/usage", "/budget", "/admin/budgets/someone"]) {
      const response = await get(path, {});
      expect(response.statusCode, path).toBe(401);
    }
  });

  it("refuses windows and groupings it cannot answer", async () => {
    const headers = await authHeaders(alice);
    for (const query of [
      "group_by=week",
      "from=yesterday",
      "from=2026-11-02&to=2026-11-01",
      "from=2020-01-01&to=2026-01-01",
    ]) {
      const response = await get(`/usage?${query}`, headers);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe("VALIDATION_ERROR");
    }
  });
});
