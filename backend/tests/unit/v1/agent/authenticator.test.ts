import type { FastifyRequest } from "fastify";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { type AuthOptions, createAuthenticator } from "../../../../src/v1/agent/dependencies.js";

const SECRET = "unit-secret-0123456789abcdef0123456789";
const nowSeconds = () => Math.floor(Date.now() / 1000);

function options(policy: Partial<AuthOptions["policy"]> = {}): AuthOptions {
  return {
    jwtSecret: SECRET,
    disabled: false,
    devUserId: "dev",
    policy: { requireExpiry: true, maxLifetimeSeconds: 86_400, clockSkewSeconds: 30, ...policy },
  };
}

async function token(claims: { exp?: number; iat?: number }): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice");
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

const request = (jwt: string) =>
  ({ headers: { authorization: `Bearer ${jwt}` } }) as unknown as FastifyRequest;

describe("authenticator settings", () => {
  it("accepts a token without exp only when SOCIAL_AUTH__REQUIRE_EXP is false", async () => {
    const noExpiry = await token({ iat: nowSeconds() });
    await expect(createAuthenticator(options())(request(noExpiry))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "Token has no expiry (exp)",
    });
    await expect(
      createAuthenticator(options({ requireExpiry: false }))(request(noExpiry)),
    ).resolves.toMatchObject({ userId: "alice" });
  });

  it("applies the configured lifetime cap", async () => {
    const hour = await token({ iat: nowSeconds(), exp: nowSeconds() + 3600 });
    await expect(createAuthenticator(options())(request(hour))).resolves.toMatchObject({
      userId: "alice",
    });
    await expect(
      createAuthenticator(options({ maxLifetimeSeconds: 1800 }))(request(hour)),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("a cached token is refused once it expires (the cache never outlives exp)", async () => {
    const authenticate = createAuthenticator(options({ clockSkewSeconds: 0 }));
    const expiresAt = nowSeconds() + 2;
    const shortLived = await token({ iat: nowSeconds(), exp: expiresAt });
    await expect(authenticate(request(shortLived))).resolves.toMatchObject({ userId: "alice" });
    await expect(authenticate(request(shortLived))).resolves.toMatchObject({ userId: "alice" });
    while (Date.now() < expiresAt * 1000 + 50)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(authenticate(request(shortLived))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "Token has expired",
    });
  });
});
