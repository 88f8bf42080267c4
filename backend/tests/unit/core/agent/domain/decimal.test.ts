import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDecimal,
  isDecimalString,
  normalizeDecimal,
  ZERO_DECIMAL,
} from "../../../../../src/core/agent/domain/index.js";
import { expectAgentError } from "./fixtures.js";

describe("exact decimal money arithmetic", () => {
  it("adds three tiny costs exactly: 3 × 0.000000028 = 0.000000084", () => {
    const total = ["0.000000028", "0.000000028", "0.000000028"].reduce(addDecimal, ZERO_DECIMAL);
    expect(total).toBe("0.000000084");
  });

  it("adds what floats cannot: 0.1 + 0.2 = 0.3", () => {
    expect(addDecimal("0.1", "0.2")).toBe("0.3");
  });

  it("normalises Postgres numeric(20,12) text and handles signs", () => {
    expect(addDecimal("1.500000000000", "0.000000000000")).toBe("1.5");
    expect(addDecimal("-0.5", "0.25")).toBe("-0.25");
    expect(addDecimal("-0.5", "0.5")).toBe("0");
    expect(addDecimal("12", "0.000000000001")).toBe("12.000000000001");
  });

  it("refuses inputs that are not exact 12-place decimals", () => {
    for (const bad of ["1e-8", "0.0000000000001", "", "1.", ".5", "abc", "1,5", " 1"]) {
      expectAgentError(() => addDecimal(bad, "0"), "INTERNAL");
      expect(isDecimalString(bad), bad).toBe(false);
    }
  });

  it("recognises plain decimal strings only", () => {
    expect(isDecimalString("0")).toBe(true);
    expect(isDecimalString("-12.000000000001")).toBe(true);
    expect(isDecimalString(0.5)).toBe(false);
    expect(isDecimalString(null)).toBe(false);
  });

  it("converts numbers through their shortest decimal form, not their binary expansion", () => {
    expect(normalizeDecimal(2.8e-8)).toBe("0.000000028");
    expect(normalizeDecimal(0.1)).toBe("0.1");
    expect(normalizeDecimal(1e21)).toBe("1000000000000000000000");
    expect(normalizeDecimal(-0)).toBe("0");
    expect(normalizeDecimal(-1.25)).toBe("-1.25");
  });

  it("rounds beyond 12 places half away from zero", () => {
    expect(normalizeDecimal(1.23456789012345e-7)).toBe("0.000000123457");
    expect(normalizeDecimal("0.0000000000005")).toBe("0.000000000001");
    expect(normalizeDecimal("0.0000000000004999")).toBe("0");
    expect(normalizeDecimal("-0.0000000000005")).toBe("-0.000000000001");
    expect(normalizeDecimal(1e-13)).toBe("0");
  });

  it("refuses non-finite numbers and non-decimal text", () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      "1e5",
      "x",
    ]) {
      const error = expectAgentError(() => normalizeDecimal(bad), "INTERNAL");
      expect(error.message).toContain(String(bad));
    }
  });

  it("agrees with integer arithmetic on picodollars for any amounts", () => {
    const picodollars = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });
    const asDecimal = (value: bigint) => {
      const sign = value < 0n ? "-" : "";
      const magnitude = value < 0n ? -value : value;
      const fraction = (magnitude % 10n ** 12n).toString().padStart(12, "0");
      return `${sign}${magnitude / 10n ** 12n}.${fraction}`;
    };
    fc.assert(
      fc.property(picodollars, picodollars, (a, b) => {
        const sum = addDecimal(asDecimal(a), asDecimal(b));
        expect(sum).toBe(normalizeDecimal(asDecimal(a + b)));
        expect(isDecimalString(sum)).toBe(true);
        expect(addDecimal(asDecimal(b), asDecimal(a))).toBe(sum);
      }),
    );
  });
});
