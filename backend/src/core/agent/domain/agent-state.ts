import jsonPatch from "fast-json-patch";
import { RequestError } from "./errors.js";
import type { AgentState } from "./state-snapshot-schema.js";

/** One RFC 6902 operation, as STATE_DELTA carries it. */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; path: string; from: string };

/** A JSON Patch the state cannot take (malformed, a missing path, a failed `test`). */
export class StatePatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StatePatchError";
  }
}

/**
 * The state after `operations`, applied to a copy (the input is never changed). The result
 * must still be a JSON object: a patch that replaces the root with anything else is refused.
 */
export function applyStatePatch(state: AgentState, operations: readonly unknown[]): AgentState {
  let next: unknown;
  // The operations come from a model or a handler: anything fast-json-patch throws on them
  // (its own PatchError, or a TypeError on a path through null) is a refused patch.
  try {
    const invalid = jsonPatch.validate(operations as jsonPatch.Operation[], state);
    if (invalid) throw invalid;
    next = jsonPatch.applyPatch(
      structuredClone(state),
      operations as jsonPatch.Operation[],
      false,
      true,
      true,
    ).newDocument;
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new StatePatchError(error instanceof Error ? `${error.name}: ${message}` : message);
  }
  if (!isJsonObject(next)) throw new StatePatchError("the state must stay a JSON object");
  return next;
}

/** The operations that turn `before` into `after` (what a STATE_DELTA sends). */
export function stateDelta(before: AgentState, after: AgentState): JsonPatchOperation[] {
  return jsonPatch.compare(before, after) as JsonPatchOperation[];
}

/**
 * The client-state rule for a new turn: each top-level key the client sends replaces the
 * stored one; keys it does not send are kept; no state (or `{}`) changes nothing. A client
 * that only knows part of the state (one page of an app) never erases the rest.
 */
export function mergeClientState(stored: AgentState, client: AgentState | undefined): AgentState {
  if (client === undefined || Object.keys(client).length === 0) return stored;
  return { ...stored, ...client };
}

/** Size of the state as stored and shown to the model: its JSON text in UTF-8 bytes. */
export function stateBytes(state: AgentState): number {
  return new TextEncoder().encode(JSON.stringify(state)).length;
}

/** Refuses a client's state above `maxBytes` with 400 VALIDATION_ERROR naming `field`. */
export function assertClientStateSize({
  state,
  maxBytes,
  field,
}: {
  state: AgentState;
  maxBytes: number;
  field: string;
}): void {
  const bytes = stateBytes(state);
  if (bytes > maxBytes) {
    throw new RequestError({
      code: "VALIDATION_ERROR",
      message: `${field}: the state is ${bytes} bytes of JSON, more than the ${maxBytes} allowed`,
      details: { issues: [{ field, message: `at most ${maxBytes} bytes of JSON` }] },
    });
  }
}

/** Reads `a.b.c` from an object (tool arguments); undefined when any step is missing. */
export function valueAtPath(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split(".")) {
    if (!isJsonObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
