import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BudgetLimits,
  limitsForAgent,
  type ScopeUsage,
} from "../../../../../src/core/agent/domain/budget.js";
import {
  breachDetails,
  exhaustedScope,
} from "../../../../../src/core/agent/domain/budget-breach.js";
import { softLimitWarnings } from "../../../../../src/core/agent/domain/budget-warnings.js";
import { normalizeDecimal } from "../../../../../src/core/agent/domain/decimal.js";

const DEFAULTS: BudgetLimits = {
  user: { usd: "10", tokens: null, period: "monthly" },
  session: { usd: "1", tokens: 100_000 },
  run: { usd: "0.1", tokens: null },
};

function usage(overrides: Partial<ScopeUsage>): ScopeUsage {
  return {
    scope: "user",
    limit: { usd: null, tokens: null },
    periodStart: null,
    resetsAt: null,
    spentUsd: "0",
    spentTokens: 0,
    reservedUsd: "0",
    reservedTokens: 0,
    ...overrides,
  };
}

describe("limitsForAgent", () => {
  it("keeps the defaults for an agent without a budget", () => {
    expect(limitsForAgent(DEFAULTS, undefined)).toBe(DEFAULTS);
  });

  it("replaces only the session and run fields the agent sets; null lifts a limit; the user scope is never the agent's", () => {
    expect(limitsForAgent(DEFAULTS, { run: { usd: "2" }, session: { tokens: null } })).toEqual({
      user: DEFAULTS.user,
      session: { usd: "1", tokens: null },
      run: { usd: "2", tokens: null },
    });
  });
});

describe("exhaustedScope (the admission check)", () => {
  it("refuses once settled spend reaches a limit, not before, and ignores open holds", () => {
    const limit = { usd: "5", tokens: null };
    expect(
      exhaustedScope([usage({ limit, spentUsd: "4.999999999999", reservedUsd: "3" })]),
    ).toBeUndefined();
    expect(
      exhaustedScope([
        usage({ limit, spentUsd: "5.000000000000", period: "daily", resetsAt: new Date(0) }),
      ]),
    ).toEqual({
      scope: "user",
      measure: "usd",
      limit: "5",
      spent: "5.000000000000",
      reserved: "0",
      period: "daily",
      resetsAt: new Date(0),
    });
  });

  it("checks token limits too", () => {
    const breach = exhaustedScope([usage({ limit: { usd: null, tokens: 100 }, spentTokens: 100 })]);
    expect(breach && breachDetails(breach)).toEqual({
      scope: "user",
      measure: "tokens",
      limit_tokens: 100,
      spent_tokens: 100,
      reserved_tokens: 0,
      resets_at: null,
    });
  });

  it("refuses exactly when some settled spend is at or past its limit (property)", () => {
    const cents = fc.integer({ min: 0, max: 100_000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(cents, cents), { maxLength: 3 }), (scopes) => {
        const usages = scopes.map(([limit, spent]) =>
          usage({
            limit: { usd: normalizeDecimal(limit / 100), tokens: null },
            spentUsd: normalizeDecimal(spent / 100),
          }),
        );
        const expected = scopes.some(([limit, spent]) => spent >= limit);
        expect(exhaustedScope(usages) !== undefined).toBe(expected);
      }),
    );
  });
});

describe("softLimitWarnings", () => {
  it("warns when spend, holds and the new estimate reach the ratio of a limit", () => {
    const user = usage({ limit: { usd: "1", tokens: 1000 }, spentUsd: "0.5", reservedUsd: "0.2" });
    expect(
      softLimitWarnings({ usages: [user], estimateUsd: "0.05", estimateTokens: 10, ratio: 0.8 }),
    ).toEqual([]);
    expect(
      softLimitWarnings({ usages: [user], estimateUsd: "0.1", estimateTokens: 800, ratio: 0.8 }),
    ).toEqual([
      { scope: "user", measure: "usd", limit: "1", used: "0.8", ratio: 0.8, resetsAt: null },
      { scope: "user", measure: "tokens", limit: "1000", used: "800", ratio: 0.8, resetsAt: null },
    ]);
  });

  it("ignores an unpriced estimate's USD and scopes without limits", () => {
    expect(
      softLimitWarnings({
        usages: [usage({ scope: "run" }), usage({ limit: { usd: "1", tokens: null } })],
        estimateUsd: null,
        estimateTokens: 10_000,
        ratio: 0.5,
      }),
    ).toEqual([]);
  });
});
