import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ReservationOutcome,
  ReservationRequest,
} from "../../../../../../src/core/agent/application/ports/budget-ledger.js";
import {
  addDecimal,
  compareDecimal,
  subtractDecimal,
} from "../../../../../../src/core/agent/domain/decimal.js";
import {
  BUDGET_MODEL,
  budgetModelCost,
  MAX_TOKENS,
  writeBudgetCrewConfig,
} from "../../../../../support/budget-crew-config.js";
import { admitRun, firstTurn, runEvents, sessionRow } from "../../../../../support/crew-runs.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";
import { InProcessRuntime } from "../../../../../support/in-process-runtime.js";
import { waitForRunsToEnd } from "../../../../../support/run-waits.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../../../../support/scripted-stages.js";
import { scriptedDeepseek } from "../../../../../support/test-settings.js";

/** Each user's default budget: a few runs' worth of the scripted calls below. */
const USER_DAILY_USD = "0.003";
const INTENT_USAGE = { prompt_tokens: 200, completion_tokens: 3 };
const RESPOND_USAGE = { prompt_tokens: 250, completion_tokens: MAX_TOKENS.responder };

let server: ScriptedOpenAiServer;
let stages: ScriptedStages;
let runtime: InProcessRuntime;
/** The same crew whose responder caps its runs far below one call. */
let cappedRuntime: InProcessRuntime;
const directories: string[] = [];
const database = connectTestDatabase(2);
/** Every reservation the worker asked for, with its outcome. */
const reservations: { request: ReservationRequest; outcome: ReservationOutcome }[] = [];

async function startRuntime(configDirectory: string): Promise<InProcessRuntime> {
  const started = await InProcessRuntime.start({
    ...scriptedDeepseek(server.baseUrl),
    SOCIAL_RUNTIME__CONFIG_DIR: configDirectory,
    SOCIAL_DATABASE__POOL_MAX: "6",
    SOCIAL_BUDGETS__ENABLED: "true",
    SOCIAL_BUDGETS__USER__USD: USER_DAILY_USD,
    SOCIAL_BUDGETS__USER__PERIOD: "daily",
    // Every run crosses it on its first reservation: one warning per run.
    SOCIAL_BUDGETS__SOFT_LIMIT_RATIO: "0.01",
  });
  const ledger = started.root.budgetLedger;
  const reserve = ledger.reserve.bind(ledger);
  ledger.reserve = async (request) => {
    const outcome = await reserve(request);
    reservations.push({ request, outcome });
    return outcome;
  };
  await started.startWorker();
  return started;
}

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  stages = new ScriptedStages(server);
  const plain = writeBudgetCrewConfig();
  const capped = writeBudgetCrewConfig({ responder: { run: { usd: "0.0001" } } });
  directories.push(plain, capped);
  runtime = await startRuntime(plain);
  cappedRuntime = await startRuntime(capped);
});

afterAll(async () => {
  await runtime?.close();
  await cappedRuntime?.close();
  await server?.close();
  await database.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** Scripts one turn whose model calls take a while (so runs overlap) and report known usage. */
function scriptTurn(marker: string) {
  stages.script(marker, {
    intent: { text: "question", usage: INTENT_USAGE, delayMs: 100 },
    respond: { text: "Here is the answer.", usage: RESPOND_USAGE, delayMs: 100 },
  });
}

async function userSpend(userId: string) {
  const { rows } = await database.pool.query<{ cost: string; calls: number }>(
    `select coalesce(sum(cost_usd), 0)::numeric(20, 12)::text as cost, count(*)::int as calls
       from llm_calls where user_id = $1`,
    [userId],
  );
  return rows[0] ?? { cost: "0", calls: 0 };
}

async function liveReservations(userId: string): Promise<number> {
  const { rows } = await database.pool.query<{ count: number }>(
    "select count(*)::int as count from budget_reservations where user_id = $1 and expires_at > now()",
    [userId],
  );
  return rows[0]?.count ?? 0;
}

describe("budgets under concurrent runs of one user", () => {
  it("keeps the settled spend within the budget plus one call's estimate, refuses the rest with BUDGET_EXCEEDED and leaves nothing stuck", async () => {
    const userId = uniqueId("spender");
    const turns = Array.from({ length: 10 }, () => {
      const marker = uniqueId("budget");
      scriptTurn(marker);
      return firstTurn({ text: `How much does this cost? ${marker}` });
    });
    await Promise.all(turns.map((turn) => admitRun(runtime, userId, turn)));
    const ended = await waitForRunsToEnd(
      database,
      turns.map((turn) => turn.runId),
    );

    const outcomes = [...ended.values()];
    const succeeded = outcomes.filter((run) => run.status === "succeeded");
    const refused = outcomes.filter((run) => run.status === "failed");
    expect(succeeded.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(succeeded.length + refused.length).toBe(turns.length);
    expect(refused.every((run) => run.errorCode === "BUDGET_EXCEEDED")).toBe(true);

    for (const turn of turns) {
      const events = await runEvents(runtime, turn.runId);
      const last = events.at(-1);
      if (ended.get(turn.runId)?.status === "failed") {
        expect(last).toMatchObject({ type: "RUN_ERROR", code: "BUDGET_EXCEEDED" });
      } else {
        expect(last?.type).toBe("RUN_FINISHED");
      }
      // The soft limit (1% here) is announced once per run, however many calls cross it; a run
      // refused at its first call was never granted anything to warn about.
      const warnings = events.filter(
        (event) => event.type === "CUSTOM" && event.name === "budget_warning",
      );
      const grantedToRun = reservations.filter(
        (entry) => entry.request.runId === turn.runId && entry.outcome.reserved,
      );
      expect(warnings).toHaveLength(grantedToRun.length > 0 ? 1 : 0);
      if (grantedToRun.length > 0)
        expect(warnings[0]?.value).toMatchObject({
          scope: "user",
          measure: "usd",
          limit_usd: USER_DAILY_USD,
          soft_limit_ratio: 0.01,
        });
      // Nothing is stuck: every session is released.
      expect((await sessionRow(database, turn.threadId)).activeRunId).toBeNull();
    }
    expect(await liveReservations(userId)).toBe(0);

    // Every call made had a reservation; no refused reservation reached the model.
    const mine = reservations.filter((entry) => entry.request.userId === userId);
    const granted = mine.filter((entry) => entry.outcome.reserved);
    const spend = await userSpend(userId);
    expect(spend.calls).toBe(granted.length);
    expect(mine.length - granted.length).toBeGreaterThanOrEqual(refused.length);

    // The settled spend is what the scripted model reported, priced by the override table.
    const { rows } = await database.pool.query<{
      stage: string;
      cost: string;
      input: number;
      output: number;
    }>(
      `select stage, cost_usd::text as cost, input_tokens as input, output_tokens as output
         from llm_calls where user_id = $1`,
      [userId],
    );
    for (const row of rows) {
      const usage = row.stage === "intent" ? INTENT_USAGE : RESPOND_USAGE;
      expect([row.input, row.output]).toEqual([usage.prompt_tokens, usage.completion_tokens]);
      expect(Number(row.cost)).toBeCloseTo(
        budgetModelCost({ input: usage.prompt_tokens, output: usage.completion_tokens }),
        12,
      );
    }

    const largestEstimate = granted
      .map((entry) => entry.request.estimateUsd ?? "0")
      .reduce((largest, estimate) => (compareDecimal(estimate, largest) > 0 ? estimate : largest));
    const overshoot = subtractDecimal(spend.cost, USER_DAILY_USD);
    expect(
      compareDecimal(spend.cost, addDecimal(USER_DAILY_USD, largestEstimate)),
    ).toBeLessThanOrEqual(0);
    console.info(
      `budget concurrency: ${turns.length} runs, ${succeeded.length} succeeded, ${refused.length} refused; ` +
        `settled ${spend.cost} USD of ${USER_DAILY_USD} (overshoot ${overshoot}); ` +
        `largest call estimate ${largestEstimate} USD; ${granted.length} calls made, ${mine.length - granted.length} refused`,
    );
  });

  it("counts in Prometheus what was reserved, refused and warned", async () => {
    const text = await runtime.root.metrics.registry.metrics();
    expect(text).toMatch(
      new RegExp(
        `agent_runtime_budget_reservations_total\\{[^}]*model="${BUDGET_MODEL.modelId}"[^}]*\\} [1-9]`,
      ),
    );
    expect(text).toMatch(/agent_runtime_budget_refusals_total\{scope="user",stage="call"\} [1-9]/);
    expect(text).toMatch(/agent_runtime_budget_soft_limit_warnings_total\{scope="user"\} [1-9]/);
    expect(text).toMatch(
      /agent_runtime_llm_cost_usd_total\{provider="deepseek",model="scripted-budget-model",agent="responder"\} /,
    );
  });
});

describe("an agent's own budget", () => {
  it("refuses a call by the agent whose run limit it would pass, while the other agents' calls go through", async () => {
    const userId = uniqueId("capped");
    const marker = uniqueId("capped-turn");
    scriptTurn(marker);
    const turn = firstTurn({ text: `Answer briefly ${marker}` });
    await admitRun(cappedRuntime, userId, turn);
    const ended = await waitForRunsToEnd(database, [turn.runId]);
    expect(ended.get(turn.runId)).toEqual({ status: "failed", errorCode: "BUDGET_EXCEEDED" });
    expect(stages.callCount(marker, "intent")).toBe(1);
    expect(stages.callCount(marker, "respond")).toBe(0);

    const refusal = reservations.find(
      (entry) => entry.request.runId === turn.runId && !entry.outcome.reserved,
    );
    expect(refusal?.request.agentType).toBe("responder");
    expect(refusal?.request.limits.run).toEqual({ usd: "0.0001", tokens: null });
    expect(refusal?.outcome).toMatchObject({ breach: { scope: "run", limit: "0.0001" } });
    const events = await runEvents(cappedRuntime, turn.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "BUDGET_EXCEEDED" });
    expect(String(events.at(-1)?.message)).toContain("run budget of 0.0001 USD");
  });

  it("leaves the same agent unlimited in a crew that gives it no budget", async () => {
    const marker = uniqueId("uncapped-turn");
    scriptTurn(marker);
    const turn = firstTurn({ text: `Answer briefly ${marker}` });
    await admitRun(runtime, uniqueId("uncapped"), turn);
    const ended = await waitForRunsToEnd(database, [turn.runId]);
    expect(ended.get(turn.runId)).toEqual({ status: "succeeded", errorCode: null });
  });
});
