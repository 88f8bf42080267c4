import { SignJWT } from "jose";

/**
 * An HS256 bearer token for `userId`, signed with `secret`: what the api accepts when
 * `SOCIAL_AUTH__JWT_SECRET` is that secret. For the quick start, tests and the bench only.
 */
export async function signDevToken({
  secret,
  userId,
  expiresIn,
  claims = {},
}: {
  secret: string;
  userId: string;
  /** A jose time span, e.g. "1h". */
  expiresIn: string;
  /** More claims, e.g. `{ scope: "agent-runtime:admin" }`. */
  claims?: Record<string, unknown>;
}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
