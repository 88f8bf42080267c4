import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { ReservationRequest } from "../../../../../../src/core/agent/application/ports/budget-ledger.js";
import type { LlmCallRecord } from "../../../../../../src/core/agent/application/ports/llm-call-record.js";
import type { BudgetLimits } from "../../../../../../src/core/agent/domain/budget.js";
import { DrizzleLlmCallRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-llm-call-repository.js";
import { DrizzleRunRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-run-repository.js";
import { DrizzleSessionRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-session-repository.js";
import { PostgresBudgetLedger } from "../../../../../../src/core/agent/infrastructure/persistence/postgres-budget-ledger.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";

const handle = connectTestDatabase(12);
const ledger = new PostgresBudgetLedger(handle.pool);
const sessions = new DrizzleSessionRepository(handle.db);
const runs = new DrizzleRunRepository(handle.db);
const llmCalls = new DrizzleLlmCallRepository(handle.db);

afterAll(() => handle.close());

const NOW = new Date("2026-11-25T10:00:00Z");
const UNLIMITED: BudgetLimits = {
  user: { usd: null, tokens: null, period: "none" },
  session: { usd: null, tokens: null },
  run: { usd: null, tokens: null },
};

function limits(overrides: {
  user?: Partial<BudgetLimits["user"]>;
  session?: Partial<BudgetLimits["session"]>;
  run?: Partial<BudgetLimits["run"]>;
}): BudgetLimits {
  return {
    user: { ...UNLIMITED.user, ...overrides.user },
    session: { ...UNLIMITED.session, ...overrides.session },
    run: { ...UNLIMITED.run, ...overrides.run },
  };
}

async function newRun(userId: string) {
  const sessionId = uniqueId("session");
  const runId = uniqueId("run");
  await sessions.createOrGet({ id: sessionId, userId, workflow: "default", now: NOW });
  await runs.create({ id: runId, sessionId, userId, kind: "run", workflow: "default", now: NOW });
  return { userId, sessionId, runId };
}

function reservation(
  ids: { userId: string; sessionId: string; runId: string },
  overrides: Partial<ReservationRequest> = {},
): ReservationRequest {
  const now = overrides.now ?? NOW;
  return {
    id: randomUUID(),
    ...ids,
    agentType: "responder",
    provider: "deepseek",
    model: "scripted-budget-model",
    estimateUsd: "0.01",
    estimateTokens: 1000,
    limits: UNLIMITED,
    unpriced: "tokens_only",
    now,
    expiresAt: new Date(now.getTime() + 60_000),
    ...overrides,
  };
}

/** The llm_calls row that settles reservation `id`: the call it held room for, with its real cost. */
function settledCall(
  ids: { userId: string; sessionId: string; runId: string },
  id: string,
  {
    costUsd,
    tokens,
    startedAt = NOW,
  }: { costUsd: string | null; tokens: number; startedAt?: Date },
): LlmCallRecord {
  return {
    id,
    run_id: ids.runId,
    session_id: ids.sessionId,
    user_id: ids.userId,
    agent_type: "responder",
    stage: "respond",
    provider: "deepseek",
    model_requested: "scripted-budget-model",
    model_response: null,
    response_id: null,
    started_at: startedAt,
    first_token_at: null,
    ended_at: startedAt,
    status: "success",
    finish_reason: "stop",
    input_tokens: tokens - 10,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 10,
    reasoning_tokens: 0,
    total_tokens: tokens,
    usage_raw: null,
    cost_usd: costUsd,
    cost_source: costUsd === null ? "unpriced" : "override",
    error: null,
  };
}

/** Transactions waiting for a user's budget lock (classid 'budg', see agent_budget_reserve). */
async function waitingOnBudgetLock(): Promise<number> {
  const { rows } = await handle.pool.query<{ count: number }>(
    `select count(*)::int as count from pg_locks
      where locktype = 'advisory' and not granted and classid = 1650615143`,
  );
  return rows[0]?.count ?? 0;
}

async function openReservations(userId: string): Promise<number> {
  const { rows } = await handle.pool.query<{ count: number }>(
    "select count(*)::int as count from budget_reservations where user_id = $1",
    [userId],
  );
  return rows[0]?.count ?? 0;
}

describe("budget ledger: reservations against the user's limit", () => {
  it("reserves while the estimate fits and refuses the call that would pass the limit, reporting limit, spend, holds and reset time", async () => {
    const ids = await newRun(uniqueId("user"));
    const daily = limits({ user: { usd: "0.025", period: "daily" } });
    expect((await ledger.reserve(reservation(ids, { limits: daily }))).reserved).toBe(true);
    expect((await ledger.reserve(reservation(ids, { limits: daily }))).reserved).toBe(true);
    const third = await ledger.reserve(reservation(ids, { limits: daily }));
    expect(third).toMatchObject({
      reserved: false,
      breach: {
        scope: "user",
        measure: "usd",
        limit: "0.025",
        spent: "0.000000000000",
        reserved: "0.020000000000",
        estimate: "0.01",
        period: "daily",
        resetsAt: new Date("2026-11-26T00:00:00Z"),
      },
    });
    expect(await openReservations(ids.userId)).toBe(2);
  });

  it("lets exactly as many concurrent reservations through as fit, whatever their interleaving", async () => {
    const ids = await newRun(uniqueId("user"));
    const fiveCalls = limits({ user: { usd: "0.05" } });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => ledger.reserve(reservation(ids, { limits: fiveCalls }))),
    );
    expect(outcomes.filter((outcome) => outcome.reserved)).toHaveLength(5);
    expect(await openReservations(ids.userId)).toBe(5);
  });

  it("serialises one user's reservations: a second one waits for the first's transaction, then sees its hold", async () => {
    const ids = await newRun(uniqueId("user"));
    const oneCall = limits({ user: { usd: "0.015" } });
    const client = await handle.pool.connect();
    try {
      await client.query("begin");
      const inTransaction = new PostgresBudgetLedger(client as unknown as pg.Pool);
      expect((await inTransaction.reserve(reservation(ids, { limits: oneCall }))).reserved).toBe(
        true,
      );
      let answered = false;
      const second = ledger.reserve(reservation(ids, { limits: oneCall })).finally(() => {
        answered = true;
      });
      // Until the first commits, the second must be waiting on the user's lock: had it not
      // waited, it would have read the spend without the uncommitted hold and reserved too.
      while (!answered && (await waitingOnBudgetLock()) === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(answered).toBe(false);
      await client.query("commit");
      expect((await second).reserved).toBe(false);
    } finally {
      client.release();
    }
  });

  it("settles a reservation when its call's llm_calls row is written: the hold goes, the real cost counts", async () => {
    const ids = await newRun(uniqueId("user"));
    const budget = limits({ user: { usd: "0.02" } });
    const first = reservation(ids, { limits: budget });
    await ledger.reserve(first);
    await ledger.reserve(reservation(ids, { limits: budget }));
    expect((await ledger.reserve(reservation(ids, { limits: budget }))).reserved).toBe(false);

    await llmCalls.insert([settledCall(ids, first.id, { costUsd: "0.002", tokens: 300 })]);
    expect(await openReservations(ids.userId)).toBe(1);
    const { usages } = await ledger.usage({ userId: ids.userId, limits: budget, now: NOW });
    expect(usages).toEqual([
      expect.objectContaining({
        scope: "user",
        spentUsd: "0.002000000000",
        spentTokens: 300,
        reservedUsd: "0.010000000000",
        reservedTokens: 1000,
      }),
    ]);
    // 0.002 spent + 0.01 held + 0.01 estimated = 0.022 > 0.02; an estimate of 0.008 fits exactly.
    expect((await ledger.reserve(reservation(ids, { limits: budget }))).reserved).toBe(false);
    expect(
      (await ledger.reserve(reservation(ids, { limits: budget, estimateUsd: "0.008" }))).reserved,
    ).toBe(true);
  });

  it("settles once: a replayed llm_calls row neither counts twice nor fails", async () => {
    const ids = await newRun(uniqueId("user"));
    const held = reservation(ids);
    await ledger.reserve(held);
    const row = settledCall(ids, held.id, { costUsd: "0.004", tokens: 200 });
    await llmCalls.insert([row]);
    await llmCalls.insert([row]);
    const { usages } = await ledger.usage({
      userId: ids.userId,
      limits: limits({ user: { usd: "1" } }),
      now: NOW,
    });
    expect(usages[0]).toMatchObject({ spentUsd: "0.004000000000", spentTokens: 200 });
  });

  it("stops counting a reservation whose worker died once it expires, and removes it on the next reservation", async () => {
    const ids = await newRun(uniqueId("user"));
    const budget = limits({ user: { usd: "0.01" } });
    await ledger.reserve(
      reservation(ids, { limits: budget, expiresAt: new Date(NOW.getTime() + 30_000) }),
    );
    expect((await ledger.reserve(reservation(ids, { limits: budget }))).reserved).toBe(false);

    const later = new Date(NOW.getTime() + 31_000);
    const { usages } = await ledger.usage({ userId: ids.userId, limits: budget, now: later });
    expect(usages[0]).toMatchObject({ reservedUsd: "0.000000000000", reservedTokens: 0 });
    expect((await ledger.reserve(reservation(ids, { limits: budget, now: later }))).reserved).toBe(
      true,
    );
    // The crashed call's row is gone; only the new reservation is left.
    expect(await openReservations(ids.userId)).toBe(1);
  });
});

describe("budget ledger: periods", () => {
  async function spendOn(ids: { userId: string; sessionId: string; runId: string }, day: string) {
    await llmCalls.insert([
      settledCall(ids, randomUUID(), {
        costUsd: "0.5",
        tokens: 100,
        startedAt: new Date(`${day}T23:59:59Z`),
      }),
    ]);
  }

  it("counts a daily budget per UTC day: yesterday's spend does not count today", async () => {
    const ids = await newRun(uniqueId("user"));
    await spendOn(ids, "2026-11-24");
    const daily = limits({ user: { usd: "0.505", period: "daily" } });
    const onThe24th = new Date("2026-11-24T23:59:59.500Z");
    const refused = await ledger.reserve(reservation(ids, { limits: daily, now: onThe24th }));
    expect(refused).toMatchObject({
      reserved: false,
      breach: { spent: "0.500000000000", resetsAt: new Date("2026-11-25T00:00:00Z") },
    });
    const onThe25th = new Date("2026-11-25T00:00:00.500Z");
    const fresh = await ledger.reserve(reservation(ids, { limits: daily, now: onThe25th }));
    expect(fresh.reserved).toBe(true);
    expect(fresh.usages[0]).toMatchObject({
      spentUsd: "0.000000000000",
      periodStart: new Date("2026-11-25T00:00:00Z"),
      resetsAt: new Date("2026-11-26T00:00:00Z"),
    });
  });

  it("counts a monthly budget over the calendar month and a lifetime budget over everything", async () => {
    const ids = await newRun(uniqueId("user"));
    await spendOn(ids, "2026-10-31");
    await spendOn(ids, "2026-11-01");
    await spendOn(ids, "2026-11-20");
    const { usages: monthly } = await ledger.usage({
      userId: ids.userId,
      limits: limits({ user: { usd: "10", period: "monthly" } }),
      now: NOW,
    });
    expect(monthly[0]).toMatchObject({
      spentUsd: "1.000000000000",
      periodStart: new Date("2026-11-01T00:00:00Z"),
      resetsAt: new Date("2026-12-01T00:00:00Z"),
    });
    const { usages: lifetime } = await ledger.usage({
      userId: ids.userId,
      limits: limits({ user: { usd: "10", period: "none" } }),
      now: NOW,
    });
    expect(lifetime[0]).toMatchObject({ spentUsd: "1.500000000000", resetsAt: null });
  });
});

describe("budget ledger: overrides, sessions, runs, tokens and unpriced models", () => {
  it("lays a user's override over the default: a higher limit, another period, or no limit at all", async () => {
    const ids = await newRun(uniqueId("user"));
    const tight = limits({ user: { usd: "0.005", period: "monthly" } });
    expect((await ledger.reserve(reservation(ids, { limits: tight }))).reserved).toBe(false);

    await ledger.setOverride({
      userId: ids.userId,
      override: { usd: "0.05", period: "daily" },
      by: "admin",
      now: NOW,
    });
    const raised = await ledger.reserve(reservation(ids, { limits: tight }));
    expect(raised.reserved).toBe(true);
    expect(raised.usages[0]).toMatchObject({ limit: { usd: "0.05" }, period: "daily" });

    await ledger.setOverride({
      userId: ids.userId,
      override: { usd: null },
      by: "admin",
      now: NOW,
    });
    const lifted = await ledger.usage({ userId: ids.userId, limits: tight, now: NOW });
    expect(lifted.usages).toEqual([]);
    expect(lifted.override).toEqual({ usd: null });

    expect(await ledger.deleteOverride(ids.userId)).toBe(true);
    expect(await ledger.deleteOverride(ids.userId)).toBe(false);
    expect((await ledger.reserve(reservation(ids, { limits: tight }))).reserved).toBe(false);
  });

  it("checks the session's and the run's totals and holds against their own limits", async () => {
    const ids = await newRun(uniqueId("user"));
    const held = reservation(ids);
    await ledger.reserve(held);
    await llmCalls.insert([settledCall(ids, held.id, { costUsd: "0.03", tokens: 500 })]);

    const runCapped = await ledger.reserve(
      reservation(ids, { limits: limits({ run: { usd: "0.035" } }) }),
    );
    expect(runCapped).toMatchObject({
      reserved: false,
      breach: { scope: "run", spent: "0.030000000000", resetsAt: null },
    });

    const nextRun = { ...ids, runId: uniqueId("run") };
    await runs.create({
      id: nextRun.runId,
      sessionId: ids.sessionId,
      userId: ids.userId,
      kind: "run",
      workflow: "default",
      now: NOW,
    });
    const sessionCapped = await ledger.reserve(
      reservation(nextRun, {
        limits: limits({ run: { usd: "0.035" }, session: { tokens: 1200 } }),
      }),
    );
    expect(sessionCapped).toMatchObject({
      reserved: false,
      breach: {
        scope: "session",
        measure: "tokens",
        limit: "1200",
        spent: "500",
        estimate: "1000",
      },
    });
  });

  it("counts an unpriced model against token limits only, or refuses it under a USD limit when told to", async () => {
    const ids = await newRun(uniqueId("user"));
    const usdOnly = limits({ user: { usd: "0.000001" } });
    const tokensOnly = await ledger.reserve(
      reservation(ids, { limits: usdOnly, estimateUsd: null, unpriced: "tokens_only" }),
    );
    expect(tokensOnly.reserved).toBe(true);
    const refused = await ledger.reserve(
      reservation(ids, { limits: usdOnly, estimateUsd: null, unpriced: "refuse" }),
    );
    expect(refused).toMatchObject({ reserved: false, breach: { scope: "user", unpriced: true } });
    const tokenCapped = await ledger.reserve(
      reservation(ids, {
        limits: limits({ user: { tokens: 1500 } }),
        estimateUsd: null,
        unpriced: "tokens_only",
      }),
    );
    expect(tokenCapped).toMatchObject({ reserved: false, breach: { measure: "tokens" } });
  });

  it("reports every scope for the budget page, limited or not", async () => {
    const ids = await newRun(uniqueId("user"));
    const { usages, override } = await ledger.usage({
      userId: ids.userId,
      sessionId: ids.sessionId,
      runId: ids.runId,
      limits: UNLIMITED,
      allScopes: true,
      now: NOW,
    });
    expect(override).toBeNull();
    expect(usages.map((usage) => [usage.scope, usage.limit])).toEqual([
      ["user", { usd: null, tokens: null }],
      ["session", { usd: null, tokens: null }],
      ["run", { usd: null, tokens: null }],
    ]);
  });
});
