import { describe, expect, it } from "vitest";
import type { LlmCallRecord } from "../../../../../src/core/agent/application/ports/llm-call-record.js";
import { UsageTracker } from "../../../../../src/core/agent/application/usage-tracker.js";
import { InternalError } from "../../../../../src/core/agent/domain/errors.js";

function record(overrides: Partial<LlmCallRecord>): LlmCallRecord {
  return {
    id: "c",
    run_id: "r",
    session_id: "s",
    user_id: "u",
    agent_type: "a",
    stage: "respond",
    provider: "deepseek",
    model_requested: "deepseek-chat",
    model_response: null,
    response_id: null,
    started_at: new Date(0),
    first_token_at: null,
    ended_at: new Date(0),
    status: "success",
    finish_reason: "stop",
    input_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    total_tokens: 0,
    usage_raw: null,
    cost_usd: null,
    cost_source: "unpriced",
    error: null,
    ...overrides,
  };
}

describe("UsageTracker", () => {
  it("test_tracker_aggregates_per_call_usage_and_cost: sums tokens and keeps the cost exact", () => {
    const tracker = new UsageTracker();
    tracker.add({ input_tokens: 10, output_tokens: 5, cost: "0.1" });

    expect(tracker.snapshot().total_tokens).toBe(15);
    expect(tracker.snapshot().cost_usd).toBe("0.1");

    const cheap = new UsageTracker();
    for (let call = 0; call < 3; call++) cheap.add({ input_tokens: 1, cost: "0.000000028" });
    expect(cheap.snapshot().cost_usd).toBe("0.000000084");
    expect(cheap.snapshot().calls).toBe(3);
  });

  it("adds costs that a float sum would get wrong", () => {
    const tracker = new UsageTracker();
    tracker.add({ cost: "0.1" });
    tracker.add({ cost: "0.2" });

    expect(tracker.snapshot().cost_usd).toBe("0.3");
  });

  it("starts at zero and treats unpriced calls as adding no cost", () => {
    const tracker = new UsageTracker();
    expect(tracker.snapshot()).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      total_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      cost_usd: "0",
      calls: 0,
    });

    tracker.add({ input_tokens: 3, cost: null });
    expect(tracker.snapshot()).toMatchObject({ input_tokens: 3, cost_usd: "0", calls: 1 });
  });

  it("aggregates call records, cache and reasoning included", () => {
    const tracker = new UsageTracker();
    tracker.addRecord(
      record({
        input_tokens: 100,
        cache_read_tokens: 40,
        output_tokens: 20,
        reasoning_tokens: 5,
        cost_usd: "0.00001",
      }),
    );
    tracker.addRecord(
      record({ input_tokens: 50, cache_write_tokens: 10, output_tokens: 10, cost_usd: "0.000002" }),
    );

    expect(tracker.snapshot()).toEqual({
      input_tokens: 150,
      output_tokens: 30,
      total_tokens: 180,
      cache_read_tokens: 40,
      cache_write_tokens: 10,
      reasoning_tokens: 5,
      cost_usd: "0.000012",
      calls: 2,
    });
  });

  it("reports AG-UI usage per provider and model, omitting counts nobody reported", () => {
    const tracker = new UsageTracker();
    tracker.addRecord(
      record({ input_tokens: 10, output_tokens: 2, model_response: "deepseek-chat" }),
    );
    tracker.add({ provider: "openai", model: "gpt-4o-mini", input_tokens: 7 });
    tracker.addRecord(
      record({
        input_tokens: 5,
        output_tokens: 1,
        cache_read_tokens: 4,
        model_response: "deepseek-chat",
      }),
    );

    expect(tracker.toAgUiUsage()).toEqual([
      {
        provider: "deepseek",
        model: "deepseek-chat",
        inputTokens: 15,
        outputTokens: 3,
        totalTokens: 18,
        reasoningTokens: 0,
        cachedInputTokens: 4,
        cacheWriteInputTokens: 0,
      },
      { provider: "openai", model: "gpt-4o-mini", inputTokens: 7, totalTokens: 7 },
    ]);
  });

  it("refuses negative or fractional token counts and costs that are not decimals", () => {
    const tracker = new UsageTracker();

    expect(() => tracker.add({ input_tokens: -1 })).toThrow(InternalError);
    expect(() => tracker.add({ output_tokens: 1.5 })).toThrow(InternalError);
    expect(() => tracker.add({ cost: "1e-9" })).toThrow(InternalError);
    expect(() => tracker.add({ cost: "-0.1" })).toThrow(InternalError);
    expect(tracker.snapshot().calls).toBe(0);
  });
});
