import { signDevToken } from "../../src/dev-token.js";
import { TEST_JWT_SECRET } from "./test-settings.js";

/** A bearer token for `userId`, signed with the test secret. */
export async function tokenFor(
  userId: string,
  secret = TEST_JWT_SECRET,
  claims: Record<string, unknown> = {},
): Promise<string> {
  return signDevToken({ secret, userId, expiresIn: "1h", claims });
}

export async function authHeaders(userId: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(userId)}` };
}

/** Headers of a caller holding the admin scope (the default `scope` claim and value). */
export async function adminHeaders(userId: string): Promise<Record<string, string>> {
  return {
    authorization: `Bearer ${await tokenFor(userId, TEST_JWT_SECRET, { scope: "openid agent-runtime:admin" })}`,
  };
}
