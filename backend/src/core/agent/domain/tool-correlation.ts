import { InterruptExpiredError, ToolCallNotPendingError } from "./errors.js";
import { PendingToolStore } from "./pending-tool-store.js";
import type {
  PendingToolCall,
  StateSnapshotShape as StateSnapshot,
} from "./state-snapshot-schema.js";
import { checkDecision, type ToolCallDecision } from "./tool-call-decision.js";

export { PendingToolStore } from "./pending-tool-store.js";
export type { DecisionCheck, ToolCallDecision } from "./tool-call-decision.js";

/** One answer in a resume, keyed by the tool call it answers. */
export type ResumeDecision =
  | { kind: "result"; toolCallId: string; content: string; error?: string }
  | { kind: "approve"; toolCallId: string; editedArgs?: Record<string, unknown> }
  | { kind: "reject"; toolCallId: string; reason?: string; cancelled?: boolean };

export type ResumeOutcome = {
  snapshot: StateSnapshot;
  /** The calls this resume settled; replayed decisions are not in it. */
  changed: PendingToolCall[];
};

/** Stored as the reason of a call the client cancelled without saying why. */
export const CANCELLED_REASON = "cancelled by the client";

/**
 * Applies a resume atomically: everything is validated first and nothing changes unless all
 * of it is acceptable. Refusals, in order: unknown, settled, mismatched or repeated ids →
 * TOOL_CALL_NOT_PENDING; an approval or result after `expires_at` → INTERRUPT_EXPIRED; open
 * calls left unanswered → TOOL_RESULTS_INCOMPLETE. Each lists every offending id. The api
 * (fast 409) and the worker (authoritative, under the session lock) both call this.
 */
export function applyResume({
  snapshot,
  decisions,
  by,
  now,
}: {
  snapshot: StateSnapshot;
  decisions: readonly ResumeDecision[];
  by: string;
  now: Date;
}): ResumeOutcome {
  const store = PendingToolStore.fromSnapshot(snapshot);
  const repeated = repeatedIds(decisions);
  const notPending = new Set(repeated);
  const expired: string[] = [];
  const toApply: { toolCallId: string; decision: ToolCallDecision }[] = [];

  for (const resumeDecision of decisions) {
    const { toolCallId } = resumeDecision;
    if (repeated.has(toolCallId)) {
      continue;
    }
    const decision = toToolCallDecision(resumeDecision);
    const check = checkDecision({ call: store.get(toolCallId), decision, now });
    if (check === "not_pending") {
      notPending.add(toolCallId);
    } else if (check === "expired") {
      expired.push(toolCallId);
    } else if (check === "apply") {
      toApply.push({ toolCallId, decision });
    }
  }
  if (notPending.size > 0) {
    const inOrder = decisions
      .map((decision) => decision.toolCallId)
      .filter((id) => notPending.has(id));
    throw new ToolCallNotPendingError({ toolCallIds: [...new Set(inOrder)] });
  }
  if (expired.length > 0) {
    throw new InterruptExpiredError({ toolCallIds: expired });
  }
  store.assertComplete(decisions.map((decision) => decision.toolCallId));

  if (toApply.length === 0) {
    return { snapshot, changed: [] };
  }
  const changed = toApply.map(({ toolCallId, decision }) =>
    store.decide({ toolCallId, decision, by, now }),
  );
  return { snapshot: store.toSnapshot(snapshot), changed };
}

function toToolCallDecision(decision: ResumeDecision): ToolCallDecision {
  switch (decision.kind) {
    case "result":
      return {
        kind: "result",
        result:
          decision.error === undefined
            ? { content: decision.content }
            : { content: decision.content, error: decision.error },
      };
    case "approve":
      return decision.editedArgs === undefined
        ? { kind: "approve" }
        : { kind: "approve", editedArgs: decision.editedArgs };
    case "reject": {
      const reason =
        decision.reason ?? (decision.cancelled === true ? CANCELLED_REASON : undefined);
      return reason === undefined ? { kind: "reject" } : { kind: "reject", reason };
    }
  }
}

function repeatedIds(decisions: readonly ResumeDecision[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { toolCallId } of decisions) {
    if (seen.has(toolCallId)) {
      repeated.add(toolCallId);
    }
    seen.add(toolCallId);
  }
  return repeated;
}
