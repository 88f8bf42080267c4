import { InternalError } from "./errors.js";

/**
 * Exact money arithmetic for `numeric(20,12)` values, kept as strings end to end: JS numbers
 * cannot add 0.1 + 0.2 exactly, so sums go through BigInt scaled by 10^12.
 */
export const ZERO_DECIMAL = "0";

const FRACTION_DIGITS = 12;
const SCALE = 10n ** BigInt(FRACTION_DIGITS);
const EXACT_DECIMAL = /^-?\d+(?:\.\d{1,12})?$/;
const ANY_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/** A plain decimal string with at most 12 fractional digits, exactly what `addDecimal` takes. */
export function isDecimalString(value: unknown): value is string {
  return typeof value === "string" && EXACT_DECIMAL.test(value);
}

/** The exact sum, normalised ("0.000000084", "12", "-0.5"). */
export function addDecimal(a: string, b: string): string {
  return formatScaled(toScaled(exact(a)) + toScaled(exact(b)));
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (exactly). */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const difference = toScaled(exact(a)) - toScaled(exact(b));
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/**
 * Whether `value` ≥ `ratio` × `limit`, exactly for the decimals (the ratio, a setting such as
 * 0.8, is taken to six decimal places).
 */
export function reachesShare(value: string, limit: string, ratio: number): boolean {
  const ratioMillionths = BigInt(Math.round(ratio * 1_000_000));
  return toScaled(exact(value)) * 1_000_000n >= toScaled(exact(limit)) * ratioMillionths;
}

/** `a − b`, exactly. */
export function subtractDecimal(a: string, b: string): string {
  return formatScaled(toScaled(exact(a)) - toScaled(exact(b)));
}

/**
 * A canonical decimal string. Numbers use their shortest decimal representation (so 2.8e-8
 * becomes "0.000000028", not its binary expansion); more than 12 fractional digits are rounded
 * half away from zero; -0 becomes "0". NaN, ±Infinity and non-decimal text are refused.
 */
export function normalizeDecimal(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw notADecimal(value);
    }
    return formatScaled(toScaled(expandExponent(String(value))));
  }
  if (!ANY_DECIMAL.test(value)) {
    throw notADecimal(value);
  }
  return formatScaled(toScaled(value));
}

function exact(value: string): string {
  if (!isDecimalString(value)) {
    throw notADecimal(value);
  }
  return value;
}

function toScaled(value: string): bigint {
  const match = ANY_DECIMAL.exec(value);
  if (match === null) {
    throw notADecimal(value);
  }
  const [, sign = "", integer = "0", fraction = ""] = match;
  const kept = fraction.slice(0, FRACTION_DIGITS).padEnd(FRACTION_DIGITS, "0");
  const roundsUp = (fraction[FRACTION_DIGITS] ?? "0") >= "5";
  const magnitude = BigInt(integer) * SCALE + BigInt(kept) + (roundsUp ? 1n : 0n);
  return sign === "-" ? -magnitude : magnitude;
}

function formatScaled(scaled: bigint): string {
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const integer = (magnitude / SCALE).toString();
  const fraction = (magnitude % SCALE).toString().padStart(FRACTION_DIGITS, "0").replace(/0+$/, "");
  const body = fraction === "" ? integer : `${integer}.${fraction}`;
  return negative ? `-${body}` : body;
}

/** "2.8e-8" → "0.000000028"; "1e+21" → "1000000000000000000000". */
export function expandExponent(text: string): string {
  const match = NUMBER_TEXT.exec(text);
  if (match === null) {
    throw notADecimal(text);
  }
  const [, sign = "", integer = "0", fraction = "", exponent = "0"] = match;
  const digits = integer + fraction;
  const point = integer.length + Number(exponent);
  if (point <= 0) {
    return `${sign}0.${"0".repeat(-point)}${digits}`;
  }
  if (point >= digits.length) {
    return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  }
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function notADecimal(value: unknown): InternalError {
  return new InternalError({
    message: `Not a decimal amount: ${String(value)}`,
    details: { value: String(value) },
  });
}
