/**
 * `Authorization: Bearer <token>` (RFC 6750 §2.1): the scheme is case-insensitive
 * (RFC 9110 §11.1), the token is a b64token. Anything else is not a bearer credential.
 */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of a bearer `Authorization` header, or undefined when there is none. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}
