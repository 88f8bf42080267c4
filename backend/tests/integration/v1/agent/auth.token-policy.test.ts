import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectErrorShape } from "../../../support/error-shape.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { TEST_JWT_SECRET } from "../../../support/test-settings.js";

let runtime: InProcessRuntime;

beforeAll(async () => {
  // The defaults: exp required, 24 h lifetime cap, 30 s clock leeway.
  runtime = await InProcessRuntime.start();
});
afterAll(() => runtime.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function token(claims: { exp?: number; iat?: number; nbf?: number }): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice");
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

const listSessions = (authorization: string) =>
  runtime.app.inject({ method: "GET", url: "/api/v1/agent/sessions", headers: { authorization } });

describe("token policy on /api/v1/agent", () => {
  it.each([
    ["no exp", () => ({ iat: nowSeconds() }), "Token has no expiry (exp)"],
    [
      "exp in the year 3000",
      () => ({ iat: nowSeconds(), exp: 32_503_680_000 }),
      "lifetime exceeds 86400 s",
    ],
    [
      "a 24 h + 1 s lifetime",
      () => ({ iat: nowSeconds(), exp: nowSeconds() + 86_401 }),
      "lifetime exceeds",
    ],
    ["no iat and exp 2 days ahead", () => ({ exp: nowSeconds() + 2 * 86_400 }), "(exp - now)"],
    [
      "iat an hour in the future",
      () => ({ iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 }),
      "issued in the future",
    ],
    [
      "nbf an hour in the future",
      () => ({ nbf: nowSeconds() + 3600, exp: nowSeconds() + 7200 }),
      "not valid yet",
    ],
    ["exp a minute ago", () => ({ iat: nowSeconds() - 600, exp: nowSeconds() - 60 }), "expired"],
  ])("a token with %s → 401 UNAUTHORIZED saying why", async (_name, claims, reason) => {
    const response = await listSessions(`Bearer ${await token(claims())}`);
    const body = expectErrorShape(response, { status: 401, code: "UNAUTHORIZED" });
    expect(body.error.message).toContain(reason);
  });

  it.each([
    ["a full 24 h lifetime", () => ({ iat: nowSeconds(), exp: nowSeconds() + 86_400 })],
    ["iat within the clock leeway", () => ({ iat: nowSeconds() + 20, exp: nowSeconds() + 3600 })],
    ["no iat, a short exp", () => ({ exp: nowSeconds() + 600 })],
  ])("a token with %s is accepted", async (_name, claims) => {
    const answer = await listSessions(`Bearer ${await token(claims())}`);
    expect(answer.statusCode, answer.body.slice(0, 500)).toBe(200);
  });

  it.each(["bearer", "BEARER", "BeArEr"])(
    "the scheme %s is accepted (case-insensitive)",
    async (scheme) => {
      const valid = await token({ iat: nowSeconds(), exp: nowSeconds() + 600 });
      expect((await listSessions(`${scheme} ${valid}`)).statusCode).toBe(200);
    },
  );

  it("a refused token stays refused: refusals are never cached", async () => {
    const noExpiry = `Bearer ${await token({ iat: nowSeconds() })}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await listSessions(noExpiry)).statusCode).toBe(401);
    }
  });

  it("a non-bearer Authorization → 401 saying so", async () => {
    const body = expectErrorShape(await listSessions("Basic YWxpY2U6cHc="), { status: 401 });
    expect(body.error.message).toBe("Authorization is not a bearer token");
  });
});
