import { randomUUID } from "node:crypto";
import type { ScriptedToolCall } from "./scripted-openai-server.js";

/** `forwardedProps` that pick the one-stage workflow (a single `respond` chat stage). */
export const SINGLE_STAGE = { agent: "single" } as const;

/** A tool the browser runs (declared by the client in `RunAgentInput.tools`). */
export const PICK_COLOR_TOOL = {
  name: "ui.pick_color",
  description: "Shows a colour picker to the user and returns the colour they chose.",
  parameters: {
    type: "object",
    properties: { palette: { type: "string" } },
    required: ["palette"],
  },
};
/** The provider function name the model sees for `ui.pick_color`. */
export const PICK_COLOR_FUNCTION = "ui_pick_color";

/** The approval-gated backend tool of the shipped tools.yaml, as the model calls it. */
export const TRANSFER_TOOL = "srv.transfer_funds";
export const TRANSFER_FUNCTION = "srv_transfer_funds";

export const TRANSFER_ARGS = { amount: 25, currency: "EUR", to_account: "DE89370400440532013000" };

/** A provider-style tool call id, unique across the test run. */
export function newToolCallId(): string {
  return `call_${randomUUID().replaceAll("-", "")}`;
}

export function transferCall(
  id: string,
  args: Record<string, unknown> = TRANSFER_ARGS,
): ScriptedToolCall {
  return { id, name: TRANSFER_FUNCTION, arguments: args };
}

export function pickColorCall(id: string, palette = "warm"): ScriptedToolCall {
  return { id, name: PICK_COLOR_FUNCTION, arguments: { palette } };
}
