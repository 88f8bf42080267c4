import { createSecretKey } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { RequestError } from "../../core/agent/domain/errors.js";

export interface AuthOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Development only: every request is `devUserId` (never an admin). */
  disabled: boolean;
  devUserId: string;
  /** The claim that grants the admin scope, and the value it must contain. */
  adminClaim?: string;
  adminValue?: string;
}

/** Who a verified token speaks for. */
export interface Principal {
  userId: string;
  /** The token's `adminClaim` contains `adminValue` (budget overrides, everyone's usage). */
  admin: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The caller (`sub` of the bearer token); set by the auth hook of /api/v1/agent. */
    userId: string;
    /** The caller holds the admin scope; set by the same hook. */
    isAdmin: boolean;
  }
}

const unauthorized = (message: string) => new RequestError({ code: "UNAUTHORIZED", message });

/**
 * Verifies `Authorization: Bearer <JWT>` (HS256 with a shared secret, or any algorithm the
 * JWKS endpoint publishes) and returns the user id (`sub`) and whether the token holds the
 * admin scope.
 */
export function createAuthenticator(
  options: AuthOptions,
): (request: FastifyRequest) => Promise<Principal> {
  if (options.disabled) return async () => ({ userId: options.devUserId, admin: false });
  // Imported once: building the key per request costs more than the HMAC itself.
  const secret = options.jwtSecret
    ? createSecretKey(Buffer.from(options.jwtSecret, "utf8"))
    : undefined;
  const jwks: JWTVerifyGetKey | undefined = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : undefined;
  if (!secret && !jwks) {
    throw new Error(
      "auth needs SOCIAL_AUTH__JWT_SECRET or SOCIAL_AUTH__JWKS_URL (or SOCIAL_AUTH__DISABLED=true in development)",
    );
  }
  const claims = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  const verified = new VerifiedTokenCache();
  return async (request) => {
    const header = request.headers.authorization;
    if (!header?.startsWith("Bearer ")) throw unauthorized("Missing bearer token");
    const token = header.slice("Bearer ".length).trim();
    const known = verified.get(token);
    if (known) return known;
    try {
      const { payload } = secret
        ? await jwtVerify(token, secret, { ...claims, algorithms: ["HS256"] })
        : await jwtVerify(token, jwks as JWTVerifyGetKey, claims);
      if (typeof payload.sub !== "string" || payload.sub.length === 0)
        throw unauthorized("Token has no subject");
      const principal = {
        userId: payload.sub,
        admin: grantsAdmin(payload[options.adminClaim ?? "scope"], options.adminValue),
      };
      // Only reached after a valid signature and claims: a rejected token is never cached.
      verified.set(token, principal, payload.exp);
      return principal;
    } catch (error) {
      if (RequestError.isInstance(error)) throw error;
      throw unauthorized("Invalid or expired token");
    }
  };
}

/**
 * Tokens verified recently, so a client's repeated requests skip the signature check. An entry
 * lives at most a minute and never past the token's own expiry; the map is bounded.
 */
/** A scope claim holds the value: space-separated text (OAuth 2 `scope`) or a list of strings. */
function grantsAdmin(claim: unknown, value: string | undefined): boolean {
  if (!value) return false;
  if (typeof claim === "string") return claim.split(/\s+/).includes(value);
  return Array.isArray(claim) && claim.includes(value);
}

class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.principal;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, principal: Principal, expiresAtSeconds: number | undefined): void {
    const until = Math.min(
      Date.now() + this.maxAgeMs,
      (expiresAtSeconds ?? Number.POSITIVE_INFINITY) * 1000,
    );
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { principal, until });
  }
}
