import { createHash } from "node:crypto";
import { isJsonObject, type JsonPatchOperation } from "../../domain/agent-state.js";
import type { ToolCallContext, ToolHandler } from "./tool-handler.js";

function currentTime(args: Record<string, unknown>, { now }: ToolCallContext): Promise<unknown> {
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
function transferFunds(
  args: Record<string, unknown>,
  { idempotencyKey, now }: ToolCallContext,
): Promise<unknown> {
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

/**
 * The built-in state tool (`agui.update_state`): applies the model's JSON Patch to the shared
 * state. The operations are checked when the call's result is recorded.
 */
function updateState(args: Record<string, unknown>, { state }: ToolCallContext): Promise<unknown> {
  if (!state) throw new Error("this run has no shared state to update");
  const operations = args.operations;
  if (!Array.isArray(operations) || !operations.every(isJsonObject)) {
    throw new Error("operations must be an array of JSON Patch operations");
  }
  state.patch(operations as JsonPatchOperation[]);
  return Promise.resolve({ status: "updated", operations: operations.length });
}

/** Demo weather (deterministic, no network): what the AG-UI dojo's weather card renders. */
function demoWeather(args: Record<string, unknown>): Promise<unknown> {
  const city = typeof args.location === "string" && args.location ? args.location : "Unknown";
  const seed = [...city].reduce((sum, char) => sum + char.charCodeAt(0), 0);
  return Promise.resolve({
    city,
    conditions: ["Sunny", "Cloudy", "Rainy", "Windy"][seed % 4],
    temperature: 10 + (seed % 20),
    humidity: 40 + (seed % 50),
    wind_speed: 5 + (seed % 25),
    feels_like: 9 + (seed % 20),
  });
}

/** For tools whose whole effect is on the state (predictive-state tools): nothing to run. */
function acknowledge(): Promise<unknown> {
  return Promise.resolve({ status: "applied" });
}

/** The `builtin` source's handlers, by name (`handler: builtin.get_current_time` in tools.yaml). */
export const BUILTIN_TOOL_HANDLERS: Readonly<Record<string, ToolHandler>> = {
  get_current_time: currentTime,
  transfer_funds: transferFunds,
  update_state: updateState,
  demo_weather: demoWeather,
  acknowledge,
};
