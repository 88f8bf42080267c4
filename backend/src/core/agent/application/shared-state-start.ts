import { mergeClientState } from "../domain/agent-state.js";
import { jsonEqual } from "../domain/json-equal.js";
import { type StateSnapshot, setAgentState } from "../domain/state-snapshot.js";
import type { RunEvent } from "./ports/run-event.js";

/**
 * A run's start: the client's `state` is merged into the thread's by the documented rule
 * (`mergeClientState`: top-level keys the client sends win, the rest is kept). When the
 * result is not what the client holds (it sent part of the state, or none on a thread that
 * has one), a STATE_SNAPSHOT tells it the thread's state before anything else happens.
 */
export function adoptClientState({
  snapshot,
  clientState,
}: {
  snapshot: StateSnapshot;
  clientState: Record<string, unknown> | undefined;
}): { snapshot: StateSnapshot; announce: RunEvent[] } {
  const merged = mergeClientState(snapshot.agent_state, clientState);
  const next = merged === snapshot.agent_state ? snapshot : setAgentState(snapshot, merged);
  const clientHolds = clientState ?? {};
  const announce: RunEvent[] = jsonEqual(merged, clientHolds)
    ? []
    : [{ type: "state-snapshot", state: merged }];
  return { snapshot: next, announce };
}
