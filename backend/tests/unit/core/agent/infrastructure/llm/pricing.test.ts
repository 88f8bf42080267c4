import { calcPrice } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import {
  type CallTokens,
  overrideCost,
  priceCall,
} from "../../../../../../src/core/agent/infrastructure/llm/pricing.js";

const TOKENS: CallTokens = {
  input_tokens: 1_000_000,
  cache_read_tokens: 200_000,
  cache_write_tokens: 0,
  output_tokens: 500_000,
  reasoning_tokens: 100_000,
};
const OVERRIDE = { input_mtok: "0.28", output_mtok: "0.42", cache_read_mtok: "0.028" };
const PEAK = new Date("2025-06-02T10:00:00Z");
const OFF_PEAK = new Date("2025-06-02T20:00:00Z");

function price(overrides: Partial<Parameters<typeof priceCall>[0]>) {
  return priceCall({
    provider: "deepseek",
    modelId: "deepseek-chat",
    tokens: TOKENS,
    usageRaw: undefined,
    headers: undefined,
    priceOverride: undefined,
    timestamp: PEAK,
    ...overrides,
  });
}

describe("override prices", () => {
  it("bills uncached input, cache reads at their own rate and output, exactly", () => {
    // 800k × 0.28 + 200k × 0.028 + 500k × 0.42, per million
    expect(overrideCost(TOKENS, OVERRIDE)).toBe("0.4396");
  });

  it("prices cache reads and writes at the input rate when no cache rate is given", () => {
    const tokens = { ...TOKENS, cache_write_tokens: 100_000 };
    expect(overrideCost(tokens, { input_mtok: "1", output_mtok: "2" })).toBe("2");
    expect(
      overrideCost(tokens, { input_mtok: "1", output_mtok: "2", cache_write_mtok: "1.25" }),
    ).toBe("2.025");
  });

  it("keeps sub-nano-dollar costs instead of rounding them away", () => {
    const one = {
      ...TOKENS,
      input_tokens: 1,
      cache_read_tokens: 1,
      output_tokens: 0,
      reasoning_tokens: 0,
    };
    expect(
      overrideCost(one, { input_mtok: "1", output_mtok: "1", cache_read_mtok: "0.003625" }),
    ).toBe("0.000000003625");
  });
});

describe("priceCall sources, in order", () => {
  it("takes usage.cost reported by the provider before anything else", () => {
    expect(price({ usageRaw: { cost: 0.00012 }, priceOverride: OVERRIDE })).toEqual({
      cost_usd: "0.00012",
      cost_source: "provider_reported",
    });
  });

  it("takes the LiteLLM cost header when the usage has no cost", () => {
    expect(price({ headers: { "x-litellm-response-cost": "3.5e-05" } })).toEqual({
      cost_usd: "0.000035",
      cost_source: "provider_reported",
    });
  });

  it("prefers usage.cost over the header, and ignores a cost that is not a number", () => {
    expect(
      price({ usageRaw: { cost: 0.5 }, headers: { "x-litellm-response-cost": "0.7" } }).cost_usd,
    ).toBe("0.5");
    expect(price({ usageRaw: { cost: "n/a" } }).cost_source).toBe("genai_prices");
  });

  it("prices with genai-prices at the call's timestamp (DeepSeek's off-peak discount)", () => {
    const peak = price({ timestamp: PEAK, priceOverride: OVERRIDE });
    const offPeak = price({ timestamp: OFF_PEAK });

    // genai-prices 0.1.8, deepseek-chat: 0.27 / 0.07 cached / 1.1 per Mtok from 00:30 to
    // 16:30 UTC, half (0.135 / 0.035 / 0.55) outside it: 800k uncached + 200k cached + 500k out.
    expect(peak).toEqual({ cost_usd: "0.78", cost_source: "genai_prices" });
    expect(offPeak).toEqual({ cost_usd: "0.39", cost_source: "genai_prices" });
  });

  it("matches genai-prices for openai and anthropic models", () => {
    const usage = { input_tokens: 1_000_000, cache_read_tokens: 200_000, output_tokens: 500_000 };
    const openai = calcPrice(usage, "gpt-4o-mini", { providerId: "openai", timestamp: PEAK });
    expect(openai).not.toBeNull();

    const priced = price({ provider: "openai", modelId: "gpt-4o-mini" });
    expect(priced.cost_source).toBe("genai_prices");
    expect(Number(priced.cost_usd)).toBeCloseTo(openai?.total_price ?? -1, 12);
    expect(price({ provider: "anthropic", modelId: "claude-sonnet-4-5" }).cost_source).toBe(
      "genai_prices",
    );
  });

  it("resolves openai-compatible (LiteLLM-style) model ids through genai-prices", () => {
    expect(
      price({ provider: "openai-compatible", modelId: "deepseek/deepseek-chat" }).cost_source,
    ).toBe("genai_prices");
  });

  it("falls back to the override for a model genai-prices does not know", () => {
    expect(price({ modelId: "house-model", priceOverride: OVERRIDE })).toEqual({
      cost_usd: "0.4396",
      cost_source: "override",
    });
  });

  it("never asks genai-prices about the demo model", () => {
    expect(price({ provider: "demo", modelId: "gpt-4o-mini" })).toEqual({
      cost_usd: null,
      cost_source: "unpriced",
    });
  });

  it("leaves a call unpriced when no source knows the model", () => {
    expect(price({ provider: "openai-compatible", modelId: "scripted-model" })).toEqual({
      cost_usd: null,
      cost_source: "unpriced",
    });
  });

  it("falls through when genai-prices rejects inconsistent usage", () => {
    const broken = { ...TOKENS, input_tokens: 10, cache_read_tokens: 20 };
    expect(price({ tokens: broken, priceOverride: OVERRIDE }).cost_source).toBe("override");
  });
});
