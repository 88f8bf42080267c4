import { z } from "zod";
import type { ToolConfig } from "./runtime-config.js";

/*
 * The AG-UI fields of a tools.yaml entry: `interrupt` (an ask-the-user tool) and
 * `predict_state` (streamed arguments that write shared-state keys). Kept apart from the
 * tool's other fields so the two evolve independently.
 */

export const ToolInterruptSchema = z.strictObject({
  reason: z.string().trim().min(1).default("input_required"),
  message: z.string().trim().min(1, "must not be empty"),
  response_schema: z.record(z.string(), z.unknown()).optional(),
  ttl_seconds: z.number().int().positive().optional(),
});

export const PredictStateSchema = z
  .array(
    z.strictObject({
      state_key: z.string().trim().min(1, "must not be empty"),
      tool_argument: z.string().trim().min(1, "must not be empty"),
    }),
  )
  .min(1, "list at least one state_key");

export const AGUI_TOOL_FIELDS = {
  interrupt: ToolInterruptSchema.optional(),
  predict_state: PredictStateSchema.optional(),
};

/** The handler an AG-UI-only tool gets when it names none: nothing runs but the state change. */
export const ACKNOWLEDGE_HANDLER = "builtin.acknowledge";

/** Name of the built-in shared-state tool an agent lists to read and change the AG-UI state. */
export const UPDATE_STATE_TOOL = "agui.update_state";

/** Tools every configuration has; a tools.yaml entry of the same name replaces it. */
export const BUILTIN_AGUI_TOOLS: Readonly<Record<string, ToolConfig>> = {
  [UPDATE_STATE_TOOL]: {
    name: UPDATE_STATE_TOOL,
    description:
      "Changes the shared state the user's application shows (shown to you as `Shared state`). " +
      "Send JSON Patch (RFC 6902) operations, e.g. " +
      '[{"op":"replace","path":"/recipe/title","value":"Soup"}]. Paths are JSON Pointers.',
    parameters: {
      type: "object",
      properties: {
        operations: {
          type: "array",
          description: "RFC 6902 operations applied in order",
          items: {
            type: "object",
            properties: {
              op: { type: "string", enum: ["add", "remove", "replace", "move", "copy", "test"] },
              path: { type: "string" },
              from: { type: "string" },
              value: {},
            },
            required: ["op", "path"],
          },
        },
      },
      required: ["operations"],
    },
    requires_approval: false,
    handler: "builtin.update_state",
    side_effects: false,
    idempotent: false,
  },
};
