import { valueAtPath } from "./agent-state.js";
import type {
  AgentState,
  PendingToolCall,
  PredictedState,
  StateSnapshotShape as StateSnapshot,
} from "./state-snapshot-schema.js";

/*
 * Predictive state: a tool declares that an argument writes a state key. While the model
 * streams the call the client sees the change (STATE_DELTA); the stored state changes only
 * when the call is applied (at once, or after the confirm interrupt is approved); a rejected
 * call puts back the values the keys had before it.
 */

/** What a call's arguments write: `before` is each key's value when the call was made. */
export function predictedStateFor({
  entries,
  state,
}: {
  entries: readonly { state_key: string; tool_argument: string }[];
  state: AgentState;
}): PredictedState[] {
  return entries.map(({ state_key, tool_argument }) =>
    Object.hasOwn(state, state_key)
      ? { state_key, tool_argument, before: structuredClone(state[state_key]) }
      : { state_key, tool_argument },
  );
}

/** The state with the call's arguments written into its predicted keys (missing ones skipped). */
export function applyPredictedState(
  state: AgentState,
  predicted: readonly PredictedState[],
  args: Record<string, unknown>,
): AgentState {
  const next = { ...state };
  for (const { state_key, tool_argument } of predicted) {
    const value = valueAtPath(args, tool_argument);
    if (value !== undefined) next[state_key] = structuredClone(value);
  }
  return next;
}

/** The state with the predicted keys back at their values before the call. */
export function restorePredictedState(
  state: AgentState,
  predicted: readonly PredictedState[],
): AgentState {
  const next = { ...state };
  for (const entry of predicted) {
    if (Object.hasOwn(entry, "before")) next[entry.state_key] = structuredClone(entry.before);
    else delete next[entry.state_key];
  }
  return next;
}

/**
 * The state a client should see while calls wait for their confirmation: the stored state
 * with each waiting predictive call's proposal written in (what the stream showed).
 */
export function proposedStateView(snapshot: StateSnapshot): AgentState {
  return snapshot.pending_tool_calls.reduce(
    (state: AgentState, call: PendingToolCall) =>
      call.status === "PENDING_APPROVAL" && call.predicted_state
        ? applyPredictedState(state, call.predicted_state, call.args)
        : state,
    snapshot.agent_state,
  );
}
