import { signDevToken } from "../../src/dev-token.js";
import { TEST_JWT_SECRET } from "./test-settings.js";

/** A bearer token for `userId`, signed with the test secret. */
export async function tokenFor(userId: string, secret = TEST_JWT_SECRET): Promise<string> {
  return signDevToken({ secret, userId, expiresIn: "1h" });
}

export async function authHeaders(userId: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(userId)}` };
}
