import {
  applyStatePatch,
  type JsonPatchOperation,
  StatePatchError,
  stateBytes,
  stateDelta,
} from "../../domain/agent-state.js";
import { type AgentState, setAgentState } from "../../domain/state-snapshot.js";
import type { CrewDependencies, CrewRunState } from "./crew-context.js";

/** A state change worked out for one tool call, ready to be checkpointed and streamed. */
export type StateChange =
  | { ok: true; state: AgentState; delta: JsonPatchOperation[] }
  | { ok: false; reason: string };

/**
 * Applies a handler's JSON Patch to `base` (the stored state, with any predicted keys of the
 * call written in) and checks the size limit; `delta` is the change from `from`, the stored
 * state before the call, as STATE_DELTA sends it.
 */
export function stateChange({
  from,
  base,
  operations,
  maxBytes,
}: {
  from: AgentState;
  base: AgentState;
  operations: readonly JsonPatchOperation[];
  maxBytes: number;
}): StateChange {
  let state: AgentState;
  try {
    state = operations.length === 0 ? base : applyStatePatch(base, operations);
  } catch (error) {
    if (error instanceof StatePatchError)
      return { ok: false, reason: `state not changed: ${error.message}` };
    throw error;
  }
  const bytes = stateBytes(state);
  if (bytes > maxBytes) {
    return {
      ok: false,
      reason: `state not changed: it would be ${bytes} bytes of JSON, more than the ${maxBytes} allowed`,
    };
  }
  return { ok: true, state, delta: stateDelta(from, state) };
}

/**
 * A context stage's tool changed the shared state: kept in the run's snapshot (stored with
 * the stage's finish) and streamed as STATE_DELTA.
 */
export function applyContextStateChange({
  state,
  dependencies,
  operations,
}: {
  state: CrewRunState;
  dependencies: CrewDependencies;
  operations: JsonPatchOperation[];
}): { ok: true } | { ok: false; reason: string } {
  if (operations.length === 0) return { ok: true };
  const from = state.snapshot.agent_state;
  const change = stateChange({
    from,
    base: from,
    operations,
    maxBytes: dependencies.agentStateMaxBytes,
  });
  if (!change.ok) return change;
  state.snapshot = setAgentState(state.snapshot, change.state);
  if (change.delta.length > 0) state.input.emit({ type: "state-delta", operations: change.delta });
  return { ok: true };
}
