import { describe, expect, it } from "vitest";
import { toDecimalString } from "../../../../../../src/core/agent/infrastructure/config/decimal-string.js";

describe("toDecimalString", () => {
  it("keeps the digits a YAML number was written with", () => {
    expect(toDecimalString(0.28)).toBe("0.28");
    expect(toDecimalString(0.028)).toBe("0.028");
    expect(toDecimalString(3)).toBe("3");
    expect(toDecimalString(0)).toBe("0");
  });

  it("expands exponent notation into plain decimals", () => {
    expect(toDecimalString(2.8e-8)).toBe("0.000000028");
    expect(toDecimalString(1e-7)).toBe("0.0000001");
    expect(toDecimalString(1.5e21)).toBe("1500000000000000000000");
  });

  it("accepts decimal strings and refuses everything else", () => {
    expect(toDecimalString(" 0.0028 ")).toBe("0.0028");
    expect(toDecimalString("1,5")).toBeUndefined();
    expect(toDecimalString("1e-7")).toBeUndefined();
    expect(toDecimalString(-1)).toBeUndefined();
    expect(toDecimalString(Number.NaN)).toBeUndefined();
    expect(toDecimalString(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(toDecimalString(true)).toBeUndefined();
  });
});
