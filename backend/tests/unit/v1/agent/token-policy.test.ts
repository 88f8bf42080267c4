import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TokenPolicy, tokenPolicyViolation } from "../../../../src/v1/agent/token-policy.js";

const policy: TokenPolicy = { requireExpiry: true, maxLifetimeSeconds: 3600, clockSkewSeconds: 30 };
const now = 1_800_000_000;
const check = (claims: { exp?: number; iat?: number; nbf?: number }, rules = policy) =>
  tokenPolicyViolation({ claims, policy: rules, nowSeconds: now });

describe("token policy", () => {
  it("accepts a token issued now for the whole allowed lifetime", () => {
    expect(check({ iat: now, exp: now + 3600 })).toBeUndefined();
  });

  it("refuses a token without exp when exp is required, accepts it when not", () => {
    expect(check({ iat: now })).toBe("Token has no expiry (exp)");
    expect(check({ iat: now }, { ...policy, requireExpiry: false })).toBeUndefined();
  });

  it("refuses a far-future exp (the year 3000)", () => {
    expect(check({ iat: now, exp: 32_503_680_000 })).toMatch(
      /lifetime exceeds 3600 s \(exp - iat\)/,
    );
  });

  it("measures the lifetime from nbf without iat, and from now without either", () => {
    expect(check({ nbf: now - 3000, exp: now + 1000 })).toMatch(/exp - nbf/);
    expect(check({ exp: now + 3601 })).toMatch(/exp - now/);
    expect(check({ exp: now + 3600 })).toBeUndefined();
  });

  it("refuses a long-lived token even when little of it is left (iat long ago)", () => {
    expect(check({ iat: now - 30 * 86_400, exp: now + 60 })).toMatch(/lifetime exceeds/);
  });

  it("refuses iat in the future beyond the leeway, tolerates it within", () => {
    expect(check({ iat: now + 31, exp: now + 600 })).toBe("Token is issued in the future (iat)");
    expect(check({ iat: now + 30, exp: now + 600 })).toBeUndefined();
  });

  it("never accepts a token valid for longer than the cap from its start (property)", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            iat: fc.integer({ min: now - 10 * 86_400, max: now + 120 }),
            nbf: fc.integer({ min: now - 10 * 86_400, max: now + 120 }),
            exp: fc.integer({ min: now - 10, max: now + 10 * 86_400 }),
          },
          { requiredKeys: [] },
        ),
        (claims) => {
          const violation = check(claims);
          const start = claims.iat ?? claims.nbf ?? now;
          if (violation !== undefined) return;
          expect(claims.exp).toBeDefined();
          expect((claims.exp as number) - start).toBeLessThanOrEqual(policy.maxLifetimeSeconds);
          if (claims.iat !== undefined) expect(claims.iat).toBeLessThanOrEqual(now + 30);
        },
      ),
    );
  });
});
