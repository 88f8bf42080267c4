import { expandExponent } from "../../domain/decimal.js";

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A non-negative price as an exact decimal string. YAML numbers arrive as JS numbers, whose
 * shortest representation is what the author typed (`0.028`) unless it needs an exponent
 * (`2.8e-8`), which is expanded here. Returns undefined for anything else.
 */
export function toDecimalString(value: unknown): string | undefined {
  if (typeof value === "string") return DECIMAL.test(value.trim()) ? value.trim() : undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return undefined;
  return expandExponent(String(value));
}
