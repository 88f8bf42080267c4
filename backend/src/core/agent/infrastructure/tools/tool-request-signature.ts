import { createHmac, timingSafeEqual } from "node:crypto";

/** The header an http tool source signs its requests with. */
export const TOOL_SIGNATURE_HEADER = "x-agent-runtime-signature";

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed with the
 * body, so a service can refuse old replays as well as forgeries.
 */
export function signToolRequest(input: {
  secret: string;
  body: string;
  timestamp: number;
}): string {
  const digest = createHmac("sha256", input.secret)
    .update(`${input.timestamp}.${input.body}`)
    .digest("hex");
  return `t=${input.timestamp},v1=${digest}`;
}

/**
 * The check a tool service makes (exported for services written in TypeScript and for the
 * tests): the header's signature matches the body and its timestamp is within `toleranceSeconds`.
 */
export function verifyToolRequest(input: {
  secret: string;
  body: string;
  header: string | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): boolean {
  const fields = new Map(
    (input.header ?? "").split(",").map((pair) => {
      const [key = "", value = ""] = pair.split("=", 2);
      return [key.trim(), value.trim()] as const;
    }),
  );
  const timestamp = Number(fields.get("t"));
  const given = fields.get("v1") ?? "";
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(input.nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = signToolRequest({ secret: input.secret, body: input.body, timestamp });
  return timingSafeEqual(Buffer.from(expected), Buffer.from(`t=${timestamp},v1=${given}`));
}
