import { SignJWT } from "jose";
import { TEST_JWT_SECRET } from "./test-settings.js";

/** A bearer token for `userId`, signed with the test secret. */
export async function tokenFor(userId: string, secret = TEST_JWT_SECRET): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));
}

export async function authHeaders(userId: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(userId)}` };
}
