import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { LlmCallRecord } from "../../../../../../src/core/agent/application/ports/llm-call-record.js";
import { DrizzleLlmCallRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-llm-call-repository.js";
import { DrizzleRunRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-run-repository.js";
import { DrizzleSessionRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-session-repository.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";

const handle = connectTestDatabase();
const sessions = new DrizzleSessionRepository(handle.db);
const runs = new DrizzleRunRepository(handle.db);
const llmCalls = new DrizzleLlmCallRepository(handle.db);
const now = new Date("2026-11-25T10:00:00Z");

afterAll(() => handle.close());

async function newRun() {
  const sessionId = uniqueId("session");
  const runId = uniqueId("run");
  await sessions.createOrGet({ id: sessionId, userId: "alice", workflow: "default", now });
  await runs.create({
    id: runId,
    sessionId,
    userId: "alice",
    kind: "run",
    workflow: "default",
    now,
  });
  return { sessionId, runId };
}

function call(
  ids: { sessionId: string; runId: string },
  overrides: Partial<LlmCallRecord> = {},
): LlmCallRecord {
  return {
    id: randomUUID(),
    run_id: ids.runId,
    session_id: ids.sessionId,
    user_id: "alice",
    agent_type: "responder",
    stage: "respond",
    provider: "deepseek",
    model_requested: "deepseek-chat",
    model_response: null,
    response_id: null,
    started_at: now,
    first_token_at: null,
    ended_at: now,
    status: "success",
    finish_reason: "stop",
    input_tokens: 100,
    cache_read_tokens: 40,
    cache_write_tokens: 0,
    output_tokens: 20,
    reasoning_tokens: 5,
    total_tokens: 120,
    usage_raw: null,
    cost_usd: "0.000000028",
    cost_source: "provider_reported",
    error: null,
    ...overrides,
  };
}

describe("llm call repository: metering roll-up", () => {
  it("inserting the same call twice changes the session and run totals once", async () => {
    const ids = await newRun();
    const once = call(ids);
    expect(await llmCalls.insert([once])).toEqual([once.id]);
    expect(await llmCalls.insert([once])).toEqual([]);

    expect(await runs.findById(ids.runId)).toMatchObject({
      inputTokens: 100,
      outputTokens: 20,
      cachedInputTokens: 40,
      reasoningTokens: 5,
      llmCallCount: 1,
      costUsd: "0.000000028000",
    });
    expect(await sessions.findById(ids.sessionId)).toMatchObject({
      inputTokens: 100,
      llmCallCount: 1,
      costUsd: "0.000000028000",
    });
    expect(await llmCalls.listForRun(ids.runId)).toHaveLength(1);
  });

  it("sums cost as exact decimals: 3 × 0.000000028 USD = 0.000000084", async () => {
    const ids = await newRun();
    await llmCalls.insert([call(ids), call(ids)]);
    await llmCalls.insert([call(ids)]);
    expect((await runs.findById(ids.runId))?.costUsd).toBe("0.000000084000");
    expect((await sessions.findById(ids.sessionId))?.costUsd).toBe("0.000000084000");
  });

  it("records failed and unpriced calls without adding cost", async () => {
    const ids = await newRun();
    await llmCalls.insert([
      call(ids, {
        status: "error",
        cost_usd: null,
        cost_source: "unpriced",
        input_tokens: 0,
        output_tokens: 0,
        cache_read_tokens: 0,
        reasoning_tokens: 0,
        total_tokens: 0,
        error: "HTTP 500",
      }),
    ]);
    const run = await runs.findById(ids.runId);
    expect(run).toMatchObject({ llmCallCount: 1, costUsd: "0.000000000000", inputTokens: 0 });
    const [row] = await llmCalls.listForRun(ids.runId);
    expect(row).toMatchObject({
      status: "error",
      costSource: "unpriced",
      error: "HTTP 500",
      costUsd: null,
    });
  });

  it("rolls back the insert and the totals together", async () => {
    const ids = await newRun();
    await expect(
      handle.db.transaction(async (transaction) => {
        await llmCalls.insert([call(ids)], transaction);
        throw new Error("checkpoint failed");
      }),
    ).rejects.toThrow("checkpoint failed");
    expect((await runs.findById(ids.runId))?.llmCallCount).toBe(0);
    expect(await llmCalls.listForRun(ids.runId)).toEqual([]);
  });
});
