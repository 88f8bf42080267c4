import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AgentError,
  applyResume,
  CANCELLED_REASON,
  type PendingToolCall,
  PendingToolStore,
  type ResumeDecision,
  StateSnapshot,
  StateSnapshotSchema,
  TOOL_CALL_MODES,
} from "../../../../../src/core/agent/domain/index.js";
import { approvalCall, at, deepFreeze, directCall, frontendCall, inputCall } from "./fixtures.js";

const callSet = fc.array(
  fc.record({
    mode: fc.constantFrom(...TOOL_CALL_MODES),
    ttlSeconds: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined, freq: 2 }),
    // Settle some calls before the resume, so replays and stale answers occur.
    presettle: fc.constantFrom("none", "none", "result", "approve", "reject"),
  }),
  { minLength: 1, maxLength: 6 },
);

type Mode = (typeof TOOL_CALL_MODES)[number];

function decisionFor(toolCallId: string): fc.Arbitrary<ResumeDecision> {
  return fc.oneof(
    fc.record({
      kind: fc.constant("result" as const),
      toolCallId: fc.constant(toolCallId),
      content: fc.constantFrom("ok", "other"),
    }),
    fc.record({ kind: fc.constant("approve" as const), toolCallId: fc.constant(toolCallId) }),
    fc.record({
      kind: fc.constant("reject" as const),
      toolCallId: fc.constant(toolCallId),
      cancelled: fc.boolean(),
    }),
  );
}

/** Mostly the answer this mode takes (so resumes often succeed), sometimes any answer at all. */
function answerFor(toolCallId: string, mode: Mode): fc.Arbitrary<ResumeDecision | null> {
  const fitting: Record<Mode, fc.Arbitrary<ResumeDecision | null>> = {
    FRONTEND_EXECUTE: fc.constant({ kind: "result", toolCallId, content: "ok" }),
    BACKEND_APPROVAL_INTERRUPT: fc.constantFrom<ResumeDecision>(
      { kind: "approve", toolCallId },
      { kind: "reject", toolCallId, reason: "no" },
    ),
    BACKEND_DIRECT_EXECUTE: fc.constant(null),
    BACKEND_INPUT_INTERRUPT: fc.constantFrom<ResumeDecision>(
      { kind: "result", toolCallId, content: '{"chosen_time":"10:00"}' },
      { kind: "reject", toolCallId, cancelled: true },
    ),
  };
  return fc.oneof(
    { arbitrary: fitting[mode], weight: 8 },
    { arbitrary: decisionFor(toolCallId), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
  );
}

/** Most calls get a fitting answer, plus a few stray ones; c6 and c7 are unknown ids. */
const scenario = callSet.chain((specs) =>
  fc
    .record({
      specs: fc.constant(specs),
      answers: fc.tuple(...specs.map(({ mode }, index) => answerFor(`c${index}`, mode))),
      strays: fc.array(
        fc.integer({ min: 0, max: 7 }).chain((index) => decisionFor(`c${index}`)),
        { maxLength: 1 },
      ),
      seconds: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 150 })),
    })
    .chain(({ answers, strays, ...rest }) => {
      const decisions = [...answers.filter((answer) => answer !== null), ...strays];
      return fc.record({
        ...Object.fromEntries(
          Object.entries(rest).map(([key, value]) => [key, fc.constant(value)]),
        ),
        decisions: fc.shuffledSubarray(decisions, { minLength: decisions.length }),
      }) as fc.Arbitrary<typeof rest & { decisions: ResumeDecision[] }>;
    }),
);

function prepare(
  specs: {
    mode: (typeof TOOL_CALL_MODES)[number];
    ttlSeconds: number | undefined;
    presettle: string;
  }[],
) {
  const calls: PendingToolCall[] = specs.map(({ mode, ttlSeconds }, index) => {
    if (mode === "FRONTEND_EXECUTE") return frontendCall(`c${index}`, ttlSeconds);
    if (mode === "BACKEND_APPROVAL_INTERRUPT") return approvalCall(`c${index}`, ttlSeconds);
    if (mode === "BACKEND_INPUT_INTERRUPT") return inputCall(`c${index}`, ttlSeconds);
    return directCall(`c${index}`);
  });
  const store = new PendingToolStore(calls);
  for (const [index, { presettle }] of specs.entries()) {
    const id = `c${index}`;
    try {
      if (presettle === "result") store.applyResult(id, { content: "ok" }, { now: at(0) });
      if (presettle === "approve") store.approve(id, { by: "u", now: at(0) });
      if (presettle === "reject") store.reject(id, { by: "u", reason: "no", now: at(0) });
    } catch {
      // A presettle that does not fit the mode leaves the call as it is.
    }
  }
  return deepFreeze(store.toSnapshot(StateSnapshot.new()));
}

describe("applyResume is atomic", () => {
  it("either applies every decision or throws a correlation error and changes nothing, agreeing with one-by-one application", () => {
    fc.assert(
      fc.property(scenario, ({ specs, decisions, seconds }) => {
        const snapshot = prepare(specs);
        const copy = structuredClone(snapshot);
        const now = at(seconds);

        // Oracle: no repeated id, each decision accepted one by one, and nothing left open.
        const ids = decisions.map((entry) => entry.toolCallId);
        const sequential = PendingToolStore.fromSnapshot(snapshot);
        let oracleAccepts = new Set(ids).size === ids.length;
        for (const entry of decisions) {
          if (!oracleAccepts) break;
          try {
            if (entry.kind === "result")
              sequential.applyResult(
                entry.toolCallId,
                { content: entry.content },
                { now, by: "u" },
              );
            if (entry.kind === "approve") sequential.approve(entry.toolCallId, { by: "u", now });
            if (entry.kind === "reject") {
              const reason = entry.reason ?? (entry.cancelled ? CANCELLED_REASON : undefined);
              sequential.reject(entry.toolCallId, {
                by: "u",
                now,
                ...(reason === undefined ? {} : { reason }),
              });
            }
          } catch {
            oracleAccepts = false;
          }
        }
        oracleAccepts &&= sequential.open().length === 0;

        let outcome: ReturnType<typeof applyResume> | undefined;
        try {
          outcome = applyResume({ snapshot, decisions, by: "u", now });
        } catch (error) {
          expect(AgentError.isInstance(error)).toBe(true);
          expect([
            "TOOL_CALL_NOT_PENDING",
            "INTERRUPT_EXPIRED",
            "TOOL_RESULTS_INCOMPLETE",
          ]).toContain((error as AgentError).code);
        }
        expect(snapshot).toEqual(copy);
        expect(outcome !== undefined).toBe(oracleAccepts);
        if (outcome !== undefined) {
          expect(outcome.snapshot.pending_tool_calls).toEqual(sequential.calls());
          expect(StateSnapshotSchema.safeParse(outcome.snapshot).success).toBe(true);
          const changedIds = outcome.changed.map((call) => call.tool_call_id);
          const reallyChanged = snapshot.pending_tool_calls
            .filter((call, index) => call !== outcome?.snapshot.pending_tool_calls[index])
            .map((call) => call.tool_call_id);
          expect(changedIds.sort()).toEqual(reallyChanged.sort());
        }
      }),
      { numRuns: 500 },
    );
  });
});
