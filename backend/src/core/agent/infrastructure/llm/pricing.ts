import { calcPrice } from "@pydantic/genai-prices";
import type { PriceOverride } from "../config/runtime-config.js";
import { decimalFromNumber, decimalFromNumericText, sumCostsPerMillion } from "./exact-decimal.js";
import type { CostSource } from "./llm-call-record.js";

/** Inclusive token counts of one call: input includes cache reads/writes, output reasoning. */
export interface CallTokens {
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

export interface CallPrice {
  cost_usd: string | null;
  cost_source: CostSource;
}

export const LITELLM_COST_HEADER = "x-litellm-response-cost";

/**
 * genai-prices provider ids. An openai-compatible endpoint is usually a LiteLLM proxy (or an
 * OpenRouter-style gateway); genai-prices' `litellm` provider resolves both plain ids
 * (`gpt-4o-mini`) and prefixed ones (`deepseek/deepseek-chat`) to the upstream vendor.
 */
const GENAI_PRICES_PROVIDER: ReadonlyMap<string, string> = new Map([
  ["deepseek", "deepseek"],
  ["openai", "openai"],
  ["anthropic", "anthropic"],
  ["openai-compatible", "litellm"],
]);

/**
 * The cost of one call, from the first source that knows it:
 * 1. a cost the provider or gateway reported (`usage.cost` in the raw usage, or LiteLLM's
 *    `x-litellm-response-cost` header) → `provider_reported`;
 * 2. `@pydantic/genai-prices` at the call's timestamp (prices change over time and DeepSeek
 *    has off-peak hours) → `genai_prices`;
 * 3. the model's `price_override` from models.yaml, for models genai-prices does not know
 *    → `override`;
 * 4. otherwise `unpriced` with a null cost.
 */
export function priceCall(input: {
  provider: string;
  modelId: string;
  tokens: CallTokens;
  usageRaw: unknown;
  headers: Record<string, string | undefined> | undefined;
  priceOverride: PriceOverride | undefined;
  timestamp: Date;
}): CallPrice {
  const reported = reportedCost(input.usageRaw, input.headers);
  if (reported !== null) return { cost_usd: reported, cost_source: "provider_reported" };
  const catalogue = genaiPricesCost(input);
  if (catalogue !== null) return { cost_usd: catalogue, cost_source: "genai_prices" };
  if (input.priceOverride) {
    return { cost_usd: overrideCost(input.tokens, input.priceOverride), cost_source: "override" };
  }
  return { cost_usd: null, cost_source: "unpriced" };
}

/** `usage.cost` (LiteLLM, OpenRouter) first, then the LiteLLM cost header. */
export function reportedCost(
  usageRaw: unknown,
  headers: Record<string, string | undefined> | undefined,
): string | null {
  if (typeof usageRaw === "object" && usageRaw !== null && "cost" in usageRaw) {
    const cost = parseCost(usageRaw.cost);
    if (cost !== null) return cost;
  }
  return parseCost(headers?.[LITELLM_COST_HEADER]);
}

function parseCost(value: unknown): string | null {
  if (typeof value === "number") return decimalFromNumber(value);
  if (typeof value === "string") return decimalFromNumericText(value);
  return null;
}

function genaiPricesCost(input: {
  provider: string;
  modelId: string;
  tokens: CallTokens;
  timestamp: Date;
}): string | null {
  const providerId = GENAI_PRICES_PROVIDER.get(input.provider);
  if (providerId === undefined) return null;
  const { tokens } = input;
  try {
    const price = calcPrice(
      {
        input_tokens: tokens.input_tokens,
        cache_read_tokens: tokens.cache_read_tokens,
        cache_write_tokens: tokens.cache_write_tokens,
        output_tokens: tokens.output_tokens,
        output_reasoning_tokens: tokens.reasoning_tokens,
      },
      input.modelId,
      { providerId, timestamp: input.timestamp },
    );
    return price === null ? null : decimalFromNumber(price.total_price);
  } catch {
    // genai-prices rejects inconsistent usage (e.g. more cache reads than input tokens);
    // the call then falls through to the override table or stays unpriced.
    return null;
  }
}

/**
 * tokens × USD-per-million / 10^6, exact. Cache reads and writes are priced at their own
 * rates (the input rate when absent) and taken out of the input count; reasoning tokens are
 * part of the output count and billed at the output rate.
 */
export function overrideCost(tokens: CallTokens, price: PriceOverride): string {
  const uncachedInput = Math.max(
    0,
    tokens.input_tokens - tokens.cache_read_tokens - tokens.cache_write_tokens,
  );
  return sumCostsPerMillion([
    { tokens: uncachedInput, pricePerMillion: price.input_mtok },
    {
      tokens: tokens.cache_read_tokens,
      pricePerMillion: price.cache_read_mtok ?? price.input_mtok,
    },
    {
      tokens: tokens.cache_write_tokens,
      pricePerMillion: price.cache_write_mtok ?? price.input_mtok,
    },
    { tokens: tokens.output_tokens, pricePerMillion: price.output_mtok },
  ]);
}
