import type { JsonPatchOperation } from "../../domain/agent-state.js";
import type { AgentState } from "../../domain/state-snapshot.js";

/**
 * How a backend tool handler reads and changes the thread's AG-UI shared state: `current`
 * is the state as the call starts; `patch` queues RFC 6902 operations, applied together with
 * the call's result in the same checkpoint and streamed as STATE_DELTA. Operations that do not
 * apply (a missing path, a failed `test`, a state above the size limit) turn the call's result
 * into an error and leave the state as it was.
 */
export interface AgentStateAccess {
  readonly current: Readonly<AgentState>;
  patch(operations: readonly JsonPatchOperation[]): void;
}

/** An access for one call, and the operations its handler queued. */
export function recordingStateAccess(current: AgentState): {
  access: AgentStateAccess;
  operations: () => JsonPatchOperation[];
} {
  const queued: JsonPatchOperation[] = [];
  const frozen = structuredClone(current);
  return {
    access: {
      current: frozen,
      patch: (operations) => {
        queued.push(...structuredClone(operations));
      },
    },
    operations: () => [...queued],
  };
}
