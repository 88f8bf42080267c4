import { z } from "zod";
import { isDecimalString } from "./decimal.js";
import { RUN_STATUSES } from "./run-status.js";
import {
  reachableToolCallStatuses,
  TOOL_CALL_MODES,
  TOOL_CALL_STATUSES,
} from "./tool-call-status.js";

/** The version `StateSnapshotSchema` describes; older versions are upgraded on read. */
export const STATE_SNAPSHOT_SCHEMA_VERSION = 2;

const timestamp = z.iso.datetime({ offset: true });
const count = z.int().nonnegative();
const jsonObject = z.record(z.string(), z.unknown());
const name = z.string().min(1);

export const ToolResultSchema = z.strictObject({
  content: z.string(),
  error: z.string().optional(),
});

export const ClientToolSchema = z.strictObject({
  name,
  description: z.string(),
  /** JSON Schema of the arguments. */
  parameters: jsonObject.optional(),
});

/** An AG-UI `RunAgentInput.context` entry: shown to the model with the system prompt. */
export const ContextEntrySchema = z.strictObject({ description: z.string(), value: z.string() });

export const RunCursorSchema = z.strictObject({
  run_id: name,
  status: z.enum(RUN_STATUSES),
  workflow: name,
  stage_index: count,
  stage: name,
  iteration: count,
  started_at: timestamp,
  /** The run this one resumes. */
  parent_run_id: name.optional(),
  /** Frontend tools the client declared (RunAgentInput.tools), kept for the resume run. */
  client_tools: z.array(ClientToolSchema),
  /** The run's CrewAI inputs (`forwardedProps.inputs`) its workflow uses, kept for the resume run. */
  inputs: z.record(z.string(), z.string()).optional(),
  /** The client's `RunAgentInput.context` of the turn, kept for the resume run (v2). */
  context: z.array(ContextEntrySchema),
});

export const StageOutputSchema = z.strictObject({
  output: z.string(),
  finished_at: timestamp,
});

/** What an input interrupt asks the human (AG-UI `Interrupt` fields), kept with its call. */
export const CallInterruptSchema = z.strictObject({
  reason: name,
  message: z.string(),
  /** JSON Schema the resume payload must satisfy; it becomes the call's result. */
  response_schema: jsonObject.optional(),
  /** What the human needs to answer, sent as the interrupt's `metadata` (a task's answer…). */
  metadata: jsonObject.optional(),
  /** Raised by a workflow step, not by a tool call the client saw: the interrupt names none. */
  standalone: z.boolean().optional(),
});

/**
 * A state key a predictive tool writes from its arguments: the value the key had before the
 * call (absent = the key did not exist), so a rejection restores it.
 */
export const PredictedStateSchema = z.strictObject({
  state_key: name,
  tool_argument: name,
  before: z.unknown().optional(),
});

export const PendingToolCallSchema = z
  .strictObject({
    tool_call_id: name,
    tool_name: name,
    args: jsonObject,
    mode: z.enum(TOOL_CALL_MODES),
    status: z.enum(TOOL_CALL_STATUSES),
    stage: name,
    interrupt_id: name.optional(),
    requested_at: timestamp,
    expires_at: timestamp.optional(),
    decided_by: name.optional(),
    decided_at: timestamp.optional(),
    /** Approve-with-edits: replaces `args` when the backend executes the call. */
    edited_args: jsonObject.optional(),
    /** Why the call was rejected, as given by whoever rejected it. */
    reason: z.string().optional(),
    result: ToolResultSchema.optional(),
    /** BACKEND_INPUT_INTERRUPT: the question (v2). */
    interrupt: CallInterruptSchema.optional(),
    /** Predictive-state tools: the keys their arguments write, with the values before (v2). */
    predicted_state: z.array(PredictedStateSchema).optional(),
  })
  .superRefine((call, context) => {
    const problem = (path: string, message: string) =>
      context.addIssue({ code: "custom", path: [path], message });
    if (!reachableToolCallStatuses(call.mode).includes(call.status)) {
      problem("status", `${call.status} is not a status a ${call.mode} call can hold`);
    }
    const interrupted =
      call.mode === "BACKEND_APPROVAL_INTERRUPT" || call.mode === "BACKEND_INPUT_INTERRUPT";
    if (interrupted && call.interrupt_id === undefined) {
      problem("interrupt_id", `a ${call.mode} call needs an interrupt_id`);
    }
    if ((call.mode === "BACKEND_INPUT_INTERRUPT") !== (call.interrupt !== undefined)) {
      problem("interrupt", "exactly the BACKEND_INPUT_INTERRUPT calls carry an interrupt");
    }
    if (call.status === "EXECUTED" && call.result === undefined) {
      problem("result", "an EXECUTED call needs its result");
    }
    if (call.status === "EXPIRED" && call.expires_at === undefined) {
      problem("expires_at", "an EXPIRED call needs expires_at");
    }
  });

export const SnapshotUsageSchema = z.strictObject({
  input_tokens: count,
  output_tokens: count,
  /** Exact decimal string (numeric(20,12)), never a float. */
  cost_usd: z.string().refine(isDecimalString, "must be a decimal string"),
});

export const StateSnapshotSchema = z
  .strictObject({
    schema_version: z.literal(STATE_SNAPSHOT_SCHEMA_VERSION),
    run: RunCursorSchema.nullable(),
    stages: z.record(z.string(), StageOutputSchema),
    pending_tool_calls: z.array(PendingToolCallSchema),
    /** AG-UI shared state (what STATE_SNAPSHOT carries). */
    agent_state: jsonObject,
    usage: SnapshotUsageSchema,
  })
  .superRefine((snapshot, context) => {
    const seen = new Set<string>();
    snapshot.pending_tool_calls.forEach((call, index) => {
      if (seen.has(call.tool_call_id)) {
        context.addIssue({
          code: "custom",
          path: ["pending_tool_calls", index, "tool_call_id"],
          message: `duplicate tool_call_id ${call.tool_call_id}`,
        });
      }
      seen.add(call.tool_call_id);
    });
  });

export type StateSnapshotShape = z.infer<typeof StateSnapshotSchema>;
export type RunCursor = z.infer<typeof RunCursorSchema>;
export type PendingToolCall = z.infer<typeof PendingToolCallSchema>;
export type ToolResult = z.infer<typeof ToolResultSchema>;
export type ClientTool = z.infer<typeof ClientToolSchema>;
export type StageOutput = z.infer<typeof StageOutputSchema>;
export type SnapshotUsage = z.infer<typeof SnapshotUsageSchema>;
export type AgentState = Record<string, unknown>;
export type ContextEntry = z.infer<typeof ContextEntrySchema>;
export type CallInterrupt = z.infer<typeof CallInterruptSchema>;
export type PredictedState = z.infer<typeof PredictedStateSchema>;
