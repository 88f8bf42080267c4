import type { FastifyRequest } from "fastify";
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { RequestError } from "../../core/agent/domain/errors.js";

export interface AuthOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Development only: every request is `devUserId`. */
  disabled: boolean;
  devUserId: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The caller (`sub` of the bearer token); set by the auth hook of /api/v1/agent. */
    userId: string;
  }
}

const unauthorized = (message: string) => new RequestError({ code: "UNAUTHORIZED", message });

/**
 * Verifies `Authorization: Bearer <JWT>` (HS256 with a shared secret, or any algorithm the
 * JWKS endpoint publishes) and returns the user id (`sub`).
 */
export function createAuthenticator(
  options: AuthOptions,
): (request: FastifyRequest) => Promise<string> {
  if (options.disabled) return async () => options.devUserId;
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
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
  return async (request) => {
    const header = request.headers.authorization;
    if (!header?.startsWith("Bearer ")) throw unauthorized("Missing bearer token");
    const token = header.slice("Bearer ".length).trim();
    try {
      const { payload } = secret
        ? await jwtVerify(token, secret, { ...claims, algorithms: ["HS256"] })
        : await jwtVerify(token, jwks as JWTVerifyGetKey, claims);
      if (typeof payload.sub !== "string" || payload.sub.length === 0)
        throw unauthorized("Token has no subject");
      return payload.sub;
    } catch (error) {
      if (RequestError.isInstance(error)) throw error;
      throw unauthorized("Invalid or expired token");
    }
  };
}
