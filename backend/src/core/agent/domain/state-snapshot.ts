import { ZERO_DECIMAL } from "./decimal.js";
import { SnapshotInvalidError } from "./errors.js";
import { snapshotInvalid } from "./snapshot-invalid.js";
import {
  type AgentState,
  type PendingToolCall,
  type RunCursor,
  STATE_SNAPSHOT_SCHEMA_VERSION,
  StateSnapshotSchema,
  type StateSnapshotShape,
} from "./state-snapshot-schema.js";
import { upgradeSnapshot } from "./state-snapshot-upgrades.js";

export {
  type AgentState,
  type CallInterrupt,
  CallInterruptSchema,
  type ClientTool,
  ClientToolSchema,
  type ContextEntry,
  ContextEntrySchema,
  type PendingToolCall,
  PendingToolCallSchema,
  type PredictedState,
  PredictedStateSchema,
  type RunCursor,
  RunCursorSchema,
  type SnapshotUsage,
  SnapshotUsageSchema,
  STATE_SNAPSHOT_SCHEMA_VERSION,
  type StageOutput,
  StageOutputSchema,
  StateSnapshotSchema,
  type ToolResult,
  ToolResultSchema,
} from "./state-snapshot-schema.js";
export * from "./state-snapshot-transitions.js";

/** The versioned `sessions.state_snapshot` (ARCHITECTURE.md §4.4). */
export type StateSnapshot = StateSnapshotShape;

export const StateSnapshot = {
  /** An empty snapshot of the current version, optionally seeded. */
  new({
    pendingToolCalls = [],
    agentState = {},
    run = null,
  }: {
    pendingToolCalls?: readonly PendingToolCall[];
    agentState?: AgentState;
    run?: RunCursor | null;
  } = {}): StateSnapshot {
    const snapshot: StateSnapshot = {
      schema_version: STATE_SNAPSHOT_SCHEMA_VERSION,
      run,
      stages: {},
      pending_tool_calls: [...pendingToolCalls],
      agent_state: agentState,
      usage: { input_tokens: 0, output_tokens: 0, cost_usd: ZERO_DECIMAL },
    };
    const parsed = StateSnapshotSchema.safeParse(snapshot);
    if (!parsed.success) {
      throw snapshotInvalid({ error: parsed.error, context: "new state_snapshot" });
    }
    return snapshot;
  },
};

/**
 * Reads what storage returns: nothing yet → a fresh snapshot; an older `schema_version` →
 * upgraded step by step; anything malformed → SnapshotInvalidError naming the field.
 */
export function parseStateSnapshot(raw: unknown): StateSnapshot {
  if (raw === null || raw === undefined) {
    return StateSnapshot.new();
  }
  const version = readSchemaVersion(raw);
  if (version > STATE_SNAPSHOT_SCHEMA_VERSION) {
    throw new SnapshotInvalidError({
      message: `state_snapshot schema_version ${version} is newer than the supported ${STATE_SNAPSHOT_SCHEMA_VERSION}; upgrade this service`,
      details: {
        path: "schema_version",
        schema_version: version,
        supported: STATE_SNAPSHOT_SCHEMA_VERSION,
      },
    });
  }
  const current = upgradeSnapshot({
    raw,
    fromVersion: version,
    toVersion: STATE_SNAPSHOT_SCHEMA_VERSION,
  });
  const parsed = StateSnapshotSchema.safeParse(current);
  if (!parsed.success) {
    const context =
      version === STATE_SNAPSHOT_SCHEMA_VERSION
        ? "state_snapshot"
        : `state_snapshot (upgraded from schema_version ${version})`;
    throw snapshotInvalid({ error: parsed.error, context });
  }
  return parsed.data;
}

/** v0 predates the field, so a missing `schema_version` means 0. */
function readSchemaVersion(raw: unknown): number {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SnapshotInvalidError({
      message: "state_snapshot: invalid at (root): expected a JSON object",
      details: { path: "(root)" },
    });
  }
  const version = (raw as { schema_version?: unknown }).schema_version;
  if (version === undefined) {
    return 0;
  }
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    throw new SnapshotInvalidError({
      message: `state_snapshot: invalid at schema_version: expected a non-negative integer, got ${JSON.stringify(version)}`,
      details: { path: "schema_version" },
    });
  }
  return version;
}
