import { addDecimal, normalizeDecimal } from "./decimal.js";
import { InternalError, RequestError, ToolResultsIncompleteError } from "./errors.js";
import type { RunStatus } from "./run-status.js";
import { snapshotInvalid } from "./snapshot-invalid.js";
import {
  type AgentState,
  type ClientTool,
  type ContextEntry,
  type PendingToolCall,
  type RunCursor,
  type SnapshotUsage,
  type StateSnapshotShape as StateSnapshot,
  StateSnapshotSchema,
} from "./state-snapshot-schema.js";
import { isTerminalToolCallStatus } from "./tool-call-status.js";

/*
 * Pure transitions: each returns a new snapshot (the input is never mutated) and checks its
 * output against the schema, so an invalid snapshot is refused here rather than in storage.
 */

export type StartRunInput = {
  runId: string;
  workflow: string;
  stage: string;
  clientTools: readonly ClientTool[];
  /** The turn's `RunAgentInput.context` entries. @defaultValue [] */
  context?: readonly ContextEntry[];
  now: Date;
  parentRunId?: string;
  /** CrewAI inputs for the workflow's placeholders (only the ones it uses). */
  inputs?: Readonly<Record<string, string>>;
};

/**
 * The cursor is this run's, started and not ended: a retried attempt finds it so. A run id is
 * compared with its status because a new turn may reuse the runId of an ended run (a repeated
 * runId with new content), whose cursor names the same id.
 */
export function cursorIsRunning(snapshot: StateSnapshot, runId: string): boolean {
  return snapshot.run?.run_id === runId && snapshot.run.status === "running";
}

/**
 * A fresh cursor at the first stage. Settled calls of the previous run are dropped; unsettled
 * ones (open or approved but not executed) refuse the start. Starting the run the cursor
 * already holds is a replay and changes nothing.
 */
export function startRun(snapshot: StateSnapshot, input: StartRunInput): StateSnapshot {
  if (cursorIsRunning(snapshot, input.runId)) {
    return snapshot;
  }
  const unsettled = snapshot.pending_tool_calls.filter(
    (call) => !isTerminalToolCallStatus(call.status),
  );
  if (unsettled.length > 0) {
    throw new ToolResultsIncompleteError({
      toolCallIds: unsettled.map((call) => call.tool_call_id),
      message: `Cannot start run ${input.runId}: earlier tool calls are not settled`,
    });
  }
  const run: RunCursor = {
    run_id: input.runId,
    status: "running",
    workflow: input.workflow,
    stage_index: 0,
    stage: input.stage,
    iteration: 0,
    started_at: input.now.toISOString(),
    ...(input.parentRunId === undefined ? {} : { parent_run_id: input.parentRunId }),
    client_tools: input.clientTools.map(toClientTool),
    ...(input.inputs && Object.keys(input.inputs).length > 0
      ? { inputs: { ...input.inputs } }
      : {}),
    context: (input.context ?? []).map(toContextEntry),
  };
  return checked({ ...snapshot, run, stages: {}, pending_tool_calls: [] });
}

/**
 * A resume: the same cursor under a new run id whose parent is the previous run. Client tools
 * and context are replaced when the resume sends them. Continuing with the current run id is
 * a replay.
 */
export function continueRun(
  snapshot: StateSnapshot,
  {
    runId,
    now,
    clientTools,
    context,
  }: {
    runId: string;
    now: Date;
    clientTools?: readonly ClientTool[];
    context?: readonly ContextEntry[];
  },
): StateSnapshot {
  const run = requireRun(snapshot, "continue");
  if (cursorIsRunning(snapshot, runId)) {
    return snapshot;
  }
  return checked({
    ...snapshot,
    run: {
      ...run,
      run_id: runId,
      parent_run_id: run.run_id,
      status: "running",
      started_at: now.toISOString(),
      client_tools: clientTools === undefined ? run.client_tools : clientTools.map(toClientTool),
      context: context === undefined ? run.context : context.map(toContextEntry),
    },
  });
}

export function advanceIteration(snapshot: StateSnapshot): StateSnapshot {
  const run = requireRun(snapshot, "advance");
  return checked({ ...snapshot, run: { ...run, iteration: run.iteration + 1 } });
}

/**
 * Records the stage's output and moves to `nextStage` (iteration 0). With `nextStage: null`
 * the index moves past the last stage and `stage` keeps the finished one.
 */
export function finishStage(
  snapshot: StateSnapshot,
  {
    stage,
    output,
    now,
    nextStage,
  }: { stage: string; output: string; now: Date; nextStage: string | null },
): StateSnapshot {
  const run = requireRun(snapshot, "finish a stage of");
  if (run.stage !== stage || stage in snapshot.stages) {
    throw new InternalError({
      message: `Cannot finish stage ${stage}: the run is at ${run.stage} (index ${run.stage_index})`,
      details: { stage, current_stage: run.stage, stage_index: run.stage_index },
    });
  }
  return checked({
    ...snapshot,
    run: {
      ...run,
      stage_index: run.stage_index + 1,
      stage: nextStage ?? run.stage,
      iteration: nextStage === null ? run.iteration : 0,
    },
    stages: { ...snapshot.stages, [stage]: { output, finished_at: now.toISOString() } },
  });
}

export function setRunStatus(snapshot: StateSnapshot, status: RunStatus): StateSnapshot {
  const run = requireRun(snapshot, "set the status of");
  return checked({ ...snapshot, run: { ...run, status } });
}

/** Appends calls; a duplicate `tool_call_id` or an ill-formed call is refused. */
export function addPendingToolCalls(
  snapshot: StateSnapshot,
  calls: readonly PendingToolCall[],
): StateSnapshot {
  return checked({ ...snapshot, pending_tool_calls: [...snapshot.pending_tool_calls, ...calls] });
}

export function setAgentState(snapshot: StateSnapshot, state: AgentState): StateSnapshot {
  return checked({ ...snapshot, agent_state: state });
}

/** Adds one LLM call's usage; the cost is summed exactly as a decimal string. */
export function addUsage(
  snapshot: StateSnapshot,
  usage: { input_tokens: number; output_tokens: number; cost_usd: string },
): StateSnapshot {
  const total: SnapshotUsage = {
    input_tokens: snapshot.usage.input_tokens + usage.input_tokens,
    output_tokens: snapshot.usage.output_tokens + usage.output_tokens,
    cost_usd: addDecimal(snapshot.usage.cost_usd, normalizeDecimal(usage.cost_usd)),
  };
  return checked({ ...snapshot, usage: total });
}

function toContextEntry({ description, value }: ContextEntry): ContextEntry {
  return { description, value };
}

function toClientTool({ name, description, parameters }: ClientTool): ClientTool {
  return parameters === undefined ? { name, description } : { name, description, parameters };
}

function requireRun(snapshot: StateSnapshot, action: string): RunCursor {
  if (snapshot.run === null) {
    throw new RequestError({
      code: "RUN_NOT_ACTIVE",
      message: `There is no run to ${action} in this session`,
    });
  }
  return snapshot.run;
}

function checked(snapshot: StateSnapshot): StateSnapshot {
  const parsed = StateSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    throw snapshotInvalid({ error: parsed.error, context: "state_snapshot transition" });
  }
  return snapshot;
}

/** Forgets a settled call whose answer a workflow step has consumed (a human review). */
export function removeSettledToolCall(snapshot: StateSnapshot, toolCallId: string): StateSnapshot {
  const call = snapshot.pending_tool_calls.find(
    (candidate) => candidate.tool_call_id === toolCallId,
  );
  if (call === undefined) return snapshot;
  if (!isTerminalToolCallStatus(call.status)) {
    throw new InternalError({
      message: `Cannot remove tool call ${toolCallId}: it is still ${call.status}`,
      details: { tool_call_id: toolCallId, status: call.status },
    });
  }
  return checked({
    ...snapshot,
    pending_tool_calls: snapshot.pending_tool_calls.filter((candidate) => candidate !== call),
  });
}
