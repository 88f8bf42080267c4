import type { ChatMessage } from "../../application/ports/chat-message.js";
import { CancelledError, InternalError } from "../../domain/errors.js";
import { createPendingToolCall } from "../../domain/pending-tool-call.js";
import type { PendingToolCall } from "../../domain/state-snapshot.js";
import {
  addPendingToolCalls,
  finishStage,
  removeSettledToolCall,
} from "../../domain/state-snapshot.js";
import { type CrewDependencies, type CrewRunState, checkpointStep } from "./crew-context.js";
import type { CrewStage } from "./crew-factory.js";

/** The pending call that stands for a task's human review (`human_input: true`). */
export const HUMAN_REVIEW_TOOL = "crewai.human_input";
export const HUMAN_REVIEW_REASON = "human_input";

/** What the reviewer answers: approve, or reject with the feedback the agent revises from. */
export const HUMAN_REVIEW_RESPONSE_SCHEMA = {
  type: "object",
  properties: {
    approved: { type: "boolean" },
    feedback: { type: "string", minLength: 1 },
  },
  required: ["approved"],
  if: { properties: { approved: { const: false } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
  then: { required: ["feedback"] },
};

/**
 * Pauses the run after a `human_input` task answered, as CrewAI asks for feedback before the
 * task is done: an AG-UI interrupt (reason `human_input`) whose `metadata` carries the answer,
 * kept with a pending call (mode BACKEND_INPUT_INTERRUPT) so the resume machinery of every
 * interrupt validates the reply against `HUMAN_REVIEW_RESPONSE_SCHEMA`. A chat stage's answer
 * was streamed and is stored now; the stage finishes only once the answer is approved. Reviews
 * do not expire: the thread waits for the reviewer.
 */
export async function pauseForReview({
  state,
  stage,
  output,
  messages,
  dependencies,
}: {
  state: CrewRunState;
  stage: CrewStage;
  output: string;
  /** What the stage stores with the pause (a chat stage's answer). */
  messages: ChatMessage[];
  dependencies: CrewDependencies;
}): Promise<{ type: "paused" }> {
  const id = dependencies.ids();
  const call = createPendingToolCall({
    toolCallId: `human-input-${id}`,
    toolName: HUMAN_REVIEW_TOOL,
    args: { output },
    mode: "BACKEND_INPUT_INTERRUPT",
    stage: stage.name,
    now: dependencies.clock(),
    interruptId: `human-input-${id}`,
    interrupt: {
      reason: HUMAN_REVIEW_REASON,
      message: `Review the answer to "${stage.task.name}": approve it, or reject it with feedback to have it revised.`,
      response_schema: HUMAN_REVIEW_RESPONSE_SCHEMA,
      metadata: {
        task: stage.task.name,
        stage: stage.name,
        output,
        ...(stage.task.output ? { output_schema: stage.task.output.schema } : {}),
      },
      standalone: true,
    },
  });
  await checkpointStep(state, {
    snapshot: addPendingToolCalls(state.snapshot, [call]),
    messages,
    stage: stage.name,
  });
  return { type: "paused" };
}

export type ReviewOutcome =
  /** No review was answered for this stage. */
  | { type: "none" }
  /** Approved: the stage is finished with the reviewed answer. */
  | { type: "approved" }
  /** Rejected with feedback: run the stage again from these messages. */
  | { type: "revise"; scratch: ChatMessage[] };

/**
 * Applies the reviewer's answer to the stage the run resumes at. Approved: the stage finishes
 * with the answer that was reviewed (it is not run again). Rejected with feedback: the agent
 * revises — its answer and the feedback go back to it (a chat stage stores the feedback as the
 * reviewer's message; a context stage keeps both in memory) and the revision is reviewed in
 * turn, until approved, as in CrewAI. A cancelled review cancels the run.
 */
export async function settleReview({
  state,
  stage,
  nextStage,
  dependencies,
}: {
  state: CrewRunState;
  stage: CrewStage;
  nextStage: string | null;
  dependencies: CrewDependencies;
}): Promise<ReviewOutcome> {
  const call = state.snapshot.pending_tool_calls.find(
    (candidate) =>
      candidate.tool_name === HUMAN_REVIEW_TOOL &&
      candidate.stage === stage.name &&
      candidate.status !== "PENDING_APPROVAL",
  );
  if (call === undefined) return { type: "none" };
  const output = reviewedOutput(call);
  const snapshot = removeSettledToolCall(state.snapshot, call.tool_call_id);
  if (call.status !== "EXECUTED") {
    throw new CancelledError({
      message: `The review of "${stage.task.name}" was cancelled; the run stops there`,
    });
  }
  const answer = reviewAnswer(call);
  if (answer.approved) {
    await checkpointStep(state, {
      snapshot: finishStage(snapshot, {
        stage: stage.name,
        output,
        now: dependencies.clock(),
        nextStage,
      }),
      messages: [],
      stage: stage.name,
      deferrable: nextStage === null,
    });
    return { type: "approved" };
  }
  const feedback: ChatMessage = {
    id: dependencies.ids(),
    role: "user",
    content: `Revise your answer with this feedback from the reviewer: ${answer.feedback}`,
  };
  if (stage.output === "chat") {
    await checkpointStep(state, { snapshot, messages: [feedback], stage: stage.name });
    return { type: "revise", scratch: [] };
  }
  state.snapshot = snapshot;
  return {
    type: "revise",
    scratch: [{ id: dependencies.ids(), role: "assistant", content: output }, feedback],
  };
}

function reviewedOutput(call: PendingToolCall): string {
  const output = call.args.output;
  if (typeof output !== "string") {
    throw new InternalError({ message: `review ${call.tool_call_id} has no output` });
  }
  return output;
}

/** The payload was checked against the response schema on the way in. */
function reviewAnswer(call: PendingToolCall): { approved: boolean; feedback: string } {
  const payload = JSON.parse(call.result?.content ?? "{}") as {
    approved?: unknown;
    feedback?: unknown;
  };
  return {
    approved: payload.approved === true,
    feedback: typeof payload.feedback === "string" ? payload.feedback : "",
  };
}
