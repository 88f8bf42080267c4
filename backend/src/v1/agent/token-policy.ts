/** What this service requires of a verified token's time claims, beyond its signature. */
export interface TokenPolicy {
  /** Refuse tokens without `exp`. */
  requireExpiry: boolean;
  /** Longest accepted lifetime: `exp` minus `iat` (else `nbf`, else now). */
  maxLifetimeSeconds: number;
  /** Clock difference tolerated between the issuer and this server. */
  clockSkewSeconds: number;
}

export interface TokenTimes {
  exp?: number | undefined;
  iat?: number | undefined;
  nbf?: number | undefined;
}

/**
 * Why a token's time claims break the policy, or undefined when they do not. Expiry and
 * `nbf` themselves are checked by the JWT library (with the same leeway); this adds what it
 * does not check: a required `exp`, the lifetime cap and `iat` in the future.
 *
 * The lifetime starts at `iat`, the moment the issuer vouched for the token; without `iat`
 * at `nbf`; without either at `now`, so a token without both is still refused when it is
 * valid for longer than the cap from the moment it is presented.
 */
export function tokenPolicyViolation({
  claims,
  policy,
  nowSeconds,
}: {
  claims: TokenTimes;
  policy: TokenPolicy;
  nowSeconds: number;
}): string | undefined {
  const { exp, iat, nbf } = claims;
  if (iat !== undefined && iat > nowSeconds + policy.clockSkewSeconds) {
    return "Token is issued in the future (iat)";
  }
  if (exp === undefined) return policy.requireExpiry ? "Token has no expiry (exp)" : undefined;
  const start = iat ?? nbf ?? nowSeconds;
  if (exp - start > policy.maxLifetimeSeconds) {
    return `Token lifetime exceeds ${policy.maxLifetimeSeconds} s (exp - ${iat !== undefined ? "iat" : nbf !== undefined ? "nbf" : "now"})`;
  }
  return undefined;
}
