import { normalizeDecimal } from "../../domain/decimal.js";
import { InternalError } from "../../domain/errors.js";

/**
 * Money helpers for pricing, on top of the domain's exact decimals: costs are USD strings with
 * at most 12 fractional digits (the `numeric(20,12)` columns), never summed as JS floats.
 */
const NON_NEGATIVE_DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const NON_NEGATIVE_NUMBER_TEXT = /^\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * Converts a float once, through its shortest round-trip representation, rounded to 12
 * places. `null` for negative, NaN or infinite values (not a cost).
 */
export function decimalFromNumber(value: number): string | null {
  if (!Number.isFinite(value) || value < 0) return null;
  return normalizeDecimal(value);
}

/** Like `decimalFromNumber` for text such as `"0.00012"` or `"1.2e-7"` (e.g. a header). */
export function decimalFromNumericText(text: string): string | null {
  const trimmed = text.trim();
  return NON_NEGATIVE_NUMBER_TEXT.test(trimmed) ? decimalFromNumber(Number(trimmed)) : null;
}

/**
 * Σ tokens × price-per-million / 10^6, computed exactly on BigInt and rounded once, on the
 * sum, to 12 places. Throws `INTERNAL` for a negative or fractional token count or a price
 * that is not a plain non-negative decimal.
 */
export function sumCostsPerMillion(
  items: readonly { tokens: number; pricePerMillion: string }[],
): string {
  const parts = items.map(({ tokens, pricePerMillion }) => {
    if (!Number.isSafeInteger(tokens) || tokens < 0) {
      throw invalid(`Token count must be a non-negative integer, got ${tokens}`);
    }
    const match = NON_NEGATIVE_DECIMAL.exec(pricePerMillion);
    if (match === null) throw invalid(`Not a price per million tokens: "${pricePerMillion}"`);
    const fraction = match[2] ?? "";
    return { units: BigInt(tokens) * BigInt(`${match[1]}${fraction}`), scale: fraction.length + 6 };
  });
  const scale = Math.max(0, ...parts.map((part) => part.scale));
  let units = 0n;
  for (const part of parts) units += part.units * 10n ** BigInt(scale - part.scale);
  const digits = units.toString().padStart(scale + 1, "0");
  const exact = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return normalizeDecimal(exact);
}

function invalid(message: string): InternalError {
  return new InternalError({ message });
}
