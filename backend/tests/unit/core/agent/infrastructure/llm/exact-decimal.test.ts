import { describe, expect, it } from "vitest";
import { InternalError } from "../../../../../../src/core/agent/domain/errors.js";
import {
  decimalFromNumber,
  decimalFromNumericText,
  sumCostsPerMillion,
} from "../../../../../../src/core/agent/infrastructure/llm/exact-decimal.js";

describe("exact decimal money arithmetic", () => {
  it("converts a float through its shortest form and rounds half-up to 12 places", () => {
    expect(decimalFromNumber(0.00043499999999999995)).toBe("0.000435");
    expect(decimalFromNumber(1.2e-7)).toBe("0.00000012");
    expect(decimalFromNumber(5e-13)).toBe("0.000000000001");
    expect(decimalFromNumber(4e-13)).toBe("0");
    expect(decimalFromNumber(12)).toBe("12");
    expect(decimalFromNumber(1e21)).toBe("1000000000000000000000");
  });

  it("refuses negative, NaN and infinite floats", () => {
    expect(decimalFromNumber(-0.1)).toBeNull();
    expect(decimalFromNumber(Number.NaN)).toBeNull();
    expect(decimalFromNumber(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it("reads numeric text such as a cost header, and refuses anything else", () => {
    expect(decimalFromNumericText("0.0042")).toBe("0.0042");
    expect(decimalFromNumericText(" 2.5E-5 ")).toBe("0.000025");
    expect(decimalFromNumericText("None")).toBeNull();
    expect(decimalFromNumericText("")).toBeNull();
    expect(decimalFromNumericText("-1")).toBeNull();
  });

  it("prices tokens per million exactly and rounds once, on the sum", () => {
    expect(sumCostsPerMillion([{ tokens: 1, pricePerMillion: "0.028" }])).toBe("0.000000028");
    expect(
      sumCostsPerMillion([
        { tokens: 1, pricePerMillion: "0.0000005" },
        { tokens: 1, pricePerMillion: "0.0000005" },
      ]),
    ).toBe("0.000000000001");
    expect(() => sumCostsPerMillion([{ tokens: -1, pricePerMillion: "1" }])).toThrow(InternalError);
    expect(() => sumCostsPerMillion([{ tokens: 1, pricePerMillion: "1e-3" }])).toThrow(
      InternalError,
    );
  });
});
