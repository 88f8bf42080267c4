const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A non-negative price as an exact decimal string. YAML numbers arrive as JS numbers, whose
 * shortest representation is what the author typed (`0.028`) unless it needs an exponent
 * (`2.8e-8`), which is expanded here. Returns undefined for anything else.
 */
export function toDecimalString(value: unknown): string | undefined {
  if (typeof value === "string") return DECIMAL.test(value.trim()) ? value.trim() : undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return undefined;
  const written = String(value);
  const exponentMatch = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(written);
  if (!exponentMatch) return written;
  const [, whole = "", fraction = "", exponentText = "0"] = exponentMatch;
  const digits = whole + fraction;
  const pointAt = whole.length + Number(exponentText);
  if (pointAt <= 0) return `0.${"0".repeat(-pointAt)}${digits}`.replace(/0+$/, "");
  if (pointAt >= digits.length) return digits + "0".repeat(pointAt - digits.length);
  return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
