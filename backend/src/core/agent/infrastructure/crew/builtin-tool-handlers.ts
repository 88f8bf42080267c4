import { createHash } from "node:crypto";

export interface ToolHandlerInput {
  args: Record<string, unknown>;
  /** `runId:toolCallId`: pass it to any external system that supports idempotency keys. */
  idempotencyKey: string;
  signal: AbortSignal;
  now: Date;
}

/** Runs a backend tool; returns its JSON result or throws (the model then sees the error). */
export type ToolHandler = (input: ToolHandlerInput) => Promise<unknown>;

function currentTime({ args, now }: ToolHandlerInput): Promise<unknown> {
  const timezone = typeof args.timezone === "string" && args.timezone ? args.timezone : "UTC";
  let local: string;
  try {
    local = new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone,
      dateStyle: "full",
      timeStyle: "long",
    }).format(now);
  } catch {
    throw new Error(`Unknown time zone "${timezone}"`);
  }
  return Promise.resolve({ iso: now.toISOString(), timezone, local });
}

/**
 * Demo transfer: no money moves. The receipt id derives from the idempotency key, so a replay
 * of the same approved call yields the same receipt.
 */
function transferFunds({ args, idempotencyKey, now }: ToolHandlerInput): Promise<unknown> {
  const amount = Number(args.amount);
  if (!Number.isFinite(amount) || amount <= 0) throw new Error("amount must be a positive number");
  const receipt = createHash("sha256")
    .update(idempotencyKey)
    .digest("hex")
    .slice(0, 12)
    .toUpperCase();
  return Promise.resolve({
    status: "completed",
    receipt_id: `TX-${receipt}`,
    amount,
    currency: String(args.currency ?? ""),
    to_account: String(args.to_account ?? ""),
    executed_at: now.toISOString(),
  });
}

/** Handler ids that `tools.yaml` may name. */
export const BUILTIN_TOOL_HANDLERS: Readonly<Record<string, ToolHandler>> = {
  "builtin.get_current_time": currentTime,
  "builtin.transfer_funds": transferFunds,
};
