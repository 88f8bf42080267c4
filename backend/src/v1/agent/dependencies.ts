import { createSecretKey } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { RequestError } from "../../core/agent/domain/errors.js";
import { bearerTokenOf } from "../bearer-credentials.js";
import { type TokenPolicy, tokenPolicyViolation } from "./token-policy.js";
import { VerifiedTokenCache } from "./verified-token-cache.js";

export interface AuthOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Development only: every request is `devUserId` (never an admin). */
  disabled: boolean;
  devUserId: string;
  policy: TokenPolicy;
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
 * JWKS endpoint publishes), applies the token policy and returns the user id (`sub`) and
 * whether the token holds the admin scope.
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
  const { policy } = options;
  const verifyOptions = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    clockTolerance: policy.clockSkewSeconds,
    ...(policy.requireExpiry ? { requiredClaims: ["exp"] } : {}),
  };
  const verified = new VerifiedTokenCache<Principal>();
  return async (request) => {
    const header = request.headers.authorization;
    const token = bearerTokenOf(header);
    if (!token) {
      throw unauthorized(header ? "Authorization is not a bearer token" : "Missing bearer token");
    }
    const known = verified.get(token);
    if (known) return known;
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = secret
        ? await jwtVerify(token, secret, { ...verifyOptions, algorithms: ["HS256"] })
        : await jwtVerify(token, jwks as JWTVerifyGetKey, verifyOptions));
    } catch (error) {
      throw unauthorized(verificationFailure(error));
    }
    const violation = tokenPolicyViolation({
      claims: payload,
      policy,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (violation) throw unauthorized(violation);
    if (typeof payload.sub !== "string" || payload.sub.length === 0) {
      throw unauthorized("Token has no subject");
    }
    const principal = {
      userId: payload.sub,
      admin: grantsAdmin(payload[options.adminClaim ?? "scope"], options.adminValue),
    };
    // Only reached after every check passed: a refused token is never cached.
    verified.set(token, principal, payload.exp);
    return principal;
  };
}

/** A short reason for a token jose refused; never the token or its claims. */
function verificationFailure(error: unknown): string {
  const { code, claim, reason } = error as { code?: unknown; claim?: unknown; reason?: unknown };
  if (code === "ERR_JWT_EXPIRED") return "Token has expired";
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    if (claim === "exp" && reason === "missing") return "Token has no expiry (exp)";
    if (claim === "nbf") return "Token is not valid yet (nbf)";
    if (claim === "iss" || claim === "aud") return `Token ${claim} is not accepted`;
  }
  return "Invalid token";
}

/** A scope claim holds the value: space-separated text (OAuth 2 `scope`) or a list of strings. */
function grantsAdmin(claim: unknown, value: string | undefined): boolean {
  if (!value) return false;
  if (typeof claim === "string") return claim.split(/\s+/).includes(value);
  return Array.isArray(claim) && claim.includes(value);
}
