import { describe, expect, it } from "vitest";
import {
  addPendingToolCalls,
  addUsage,
  advanceIteration,
  continueRun,
  finishStage,
  PendingToolStore,
  type StateSnapshot as Snapshot,
  StateSnapshot,
  StateSnapshotSchema,
  setAgentState,
  setRunStatus,
  startRun,
  ToolResultsIncompleteError,
} from "../../../../../src/core/agent/domain/index.js";
import {
  approvalCall,
  at,
  deepFreeze,
  directCall,
  expectAgentError,
  frontendCall,
  T0,
} from "./fixtures.js";

const clientTools = [
  { name: "ui.navigate_to", description: "Navigate", parameters: { type: "object" } },
];

function started(): Snapshot {
  return startRun(deepFreeze(StateSnapshot.new({ agentState: { theme: "dark" } })), {
    runId: "run-1",
    workflow: "support",
    stage: "plan",
    clientTools,
    now: T0,
  });
}

function expectValid(snapshot: Snapshot) {
  const parsed = StateSnapshotSchema.safeParse(snapshot);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
}

describe("state snapshot transitions", () => {
  it("starts a run with a fresh cursor at the first stage", () => {
    const snapshot = started();
    expect(snapshot.run).toEqual({
      run_id: "run-1",
      status: "running",
      workflow: "support",
      stage_index: 0,
      stage: "plan",
      iteration: 0,
      started_at: "2030-01-01T00:00:00.000Z",
      client_tools: clientTools,
      context: [],
    });
    expect(snapshot.agent_state).toEqual({ theme: "dark" });
    expectValid(snapshot);
  });

  it("drops settled calls and stage outputs of the previous run when a new run starts", () => {
    const store = new PendingToolStore([frontendCall("done"), approvalCall("no")]);
    store.applyResult("done", { content: "ok" }, { now: T0 });
    store.reject("no", { by: "user-1", now: T0 });
    const previous = finishStage(store.toSnapshot(started()), {
      stage: "plan",
      output: "a plan",
      now: T0,
      nextStage: null,
    });
    const next = startRun(deepFreeze(previous), {
      runId: "run-2",
      workflow: "support",
      stage: "plan",
      clientTools: [],
      now: at(60),
      parentRunId: "run-1",
    });
    expect(next.pending_tool_calls).toEqual([]);
    expect(next.stages).toEqual({});
    expect(next.run?.parent_run_id).toBe("run-1");
    expectValid(next);
  });

  it("refuses to start a run while calls are unsettled, listing every one", () => {
    const snapshot = addPendingToolCalls(started(), [
      frontendCall("open-1"),
      directCall("approved-1"),
      { ...frontendCall("done-1"), status: "EXECUTED", result: { content: "x" } },
    ]);
    const error = expectAgentError(
      () =>
        startRun(snapshot, { runId: "run-2", workflow: "w", stage: "s", clientTools: [], now: T0 }),
      "TOOL_RESULTS_INCOMPLETE",
    );
    expect(error).toBeInstanceOf(ToolResultsIncompleteError);
    expect(error.details?.tool_call_ids).toEqual(["open-1", "approved-1"]);
  });

  it("treats starting the run the cursor already holds as a replay that changes nothing", () => {
    const snapshot = advanceIteration(started());
    const again = startRun(snapshot, {
      runId: "run-1",
      workflow: "support",
      stage: "plan",
      clientTools: [],
      now: at(5),
    });
    expect(again).toBe(snapshot);
  });

  it("continues a run under a new id whose parent is the previous run, keeping the cursor", () => {
    const before = deepFreeze(
      setRunStatus(
        advanceIteration(addPendingToolCalls(started(), [approvalCall("c1")])),
        "interrupted",
      ),
    );
    const resumed = continueRun(before, { runId: "run-2", now: at(30) });
    expect(resumed.run).toMatchObject({
      run_id: "run-2",
      parent_run_id: "run-1",
      status: "running",
      stage: "plan",
      stage_index: 0,
      iteration: 1,
      started_at: at(30).toISOString(),
      client_tools: clientTools,
    });
    expect(resumed.pending_tool_calls).toEqual(before.pending_tool_calls);
    expect(continueRun(resumed, { runId: "run-2", now: at(31) })).toBe(resumed);
    expect(
      continueRun(before, { runId: "run-3", now: at(30), clientTools: [] }).run?.client_tools,
    ).toEqual([]);
  });

  it("refuses to continue, advance or set the status when there is no run", () => {
    const empty = StateSnapshot.new();
    expectAgentError(() => continueRun(empty, { runId: "run-2", now: T0 }), "RUN_NOT_ACTIVE");
    expectAgentError(() => advanceIteration(empty), "RUN_NOT_ACTIVE");
    expectAgentError(() => setRunStatus(empty, "failed"), "RUN_NOT_ACTIVE");
  });

  it("records a finished stage and moves to the next one at iteration 0", () => {
    const snapshot = finishStage(deepFreeze(advanceIteration(started())), {
      stage: "plan",
      output: "the plan",
      now: at(10),
      nextStage: "act",
    });
    expect(snapshot.stages).toEqual({
      plan: { output: "the plan", finished_at: at(10).toISOString() },
    });
    expect(snapshot.run).toMatchObject({ stage_index: 1, stage: "act", iteration: 0 });
    expectValid(snapshot);
  });

  it("moves the index past the end after the last stage and refuses to finish it twice", () => {
    const snapshot = finishStage(started(), {
      stage: "plan",
      output: "done",
      now: at(10),
      nextStage: null,
    });
    expect(snapshot.run).toMatchObject({ stage_index: 1, stage: "plan" });
    expectAgentError(
      () => finishStage(snapshot, { stage: "plan", output: "again", now: at(11), nextStage: null }),
      "INTERNAL",
    );
    expectAgentError(
      () => finishStage(started(), { stage: "act", output: "x", now: at(11), nextStage: null }),
      "INTERNAL",
    );
  });

  it("refuses a pending call whose id is already in the snapshot", () => {
    const snapshot = addPendingToolCalls(started(), [frontendCall("c1")]);
    const error = expectAgentError(
      () => addPendingToolCalls(snapshot, [frontendCall("c1")]),
      "SNAPSHOT_INVALID",
    );
    expect(error.message).toContain("pending_tool_calls[1].tool_call_id");
  });

  it("refuses an approval call without an interrupt id", () => {
    const call = { ...approvalCall("c1") };
    delete call.interrupt_id;
    expectAgentError(() => addPendingToolCalls(started(), [call]), "SNAPSHOT_INVALID");
  });

  it("replaces the shared agent state and refuses a non-object", () => {
    expect(setAgentState(started(), { steps: [1, 2] }).agent_state).toEqual({ steps: [1, 2] });
    const notAnObject = [1, 2] as unknown as Record<string, unknown>;
    const error = expectAgentError(() => setAgentState(started(), notAnObject), "SNAPSHOT_INVALID");
    expect(error.message).toContain("agent_state");
  });

  it("adds usage with an exact decimal cost", () => {
    let snapshot = started();
    for (let call = 0; call < 3; call += 1) {
      snapshot = addUsage(snapshot, {
        input_tokens: 10,
        output_tokens: 4,
        cost_usd: "0.000000028",
      });
    }
    expect(snapshot.usage).toEqual({
      input_tokens: 30,
      output_tokens: 12,
      cost_usd: "0.000000084",
    });
  });

  it("never mutates its input (every input here is deeply frozen)", () => {
    const before = deepFreeze(addPendingToolCalls(started(), [frontendCall("c1")]));
    const copy = structuredClone(before);
    setRunStatus(before, "interrupted");
    addUsage(before, { input_tokens: 1, output_tokens: 1, cost_usd: "1" });
    finishStage(before, { stage: "plan", output: "x", now: T0, nextStage: "act" });
    expect(before).toEqual(copy);
  });
});
