import type { ResumeEntry } from "@ag-ui/core";
import { decisionsFromResumeEntries } from "../domain/agui-interrupts.js";
import {
  InterruptExpiredError,
  ThreadBusyError,
  ToolCallNotPendingError,
} from "../domain/errors.js";
import type { JsonSchemaValidator } from "../domain/json-schema-validator.js";
import { assertEditedArgumentsFit } from "../domain/tool-arguments.js";
import { isOpenToolCall } from "../domain/tool-call-status.js";
import { applyResume, type ResumeDecision } from "../domain/tool-correlation.js";
import { backendToolMatcher } from "../domain/tool-policy.js";
import { screenBackendToolHistory } from "./backend-tool-history.js";
import { clientToolAnswers } from "./client-tool-answers.js";
import type { ChatMessage } from "./ports/chat-message.js";
import type { AdmissionPlan, SessionView } from "./ports/run-store.js";

export interface PlannedRun extends AdmissionPlan {
  /** Client messages the worker stores at the start of the run. */
  messages: ChatMessage[];
  decisions: ResumeDecision[];
  /** Resume entries naming no interrupt of the thread: skipped with a warning (AG-UI 1.0). */
  ignoredInterrupts: string[];
}

/** The messages after the client's last assistant message: its new turn (and tool results). */
export function trailingMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  const relevant = messages.filter((message) => message.role !== "system");
  let lastAssistant = -1;
  relevant.forEach((message, index) => {
    if (message.role === "assistant") lastAssistant = index;
  });
  return relevant.slice(lastAssistant + 1);
}

/** The messages a request adds: all of them on a new thread, else those after the last answer. */
export function newMessages(session: SessionView, messages: readonly ChatMessage[]): ChatMessage[] {
  if (session.messageCount === 0) return messages.filter((message) => message.role !== "system");
  return trailingMessages(messages);
}

/**
 * Decides, under the session lock, whether a request is a new turn or a resume, and refuses
 * it early (the worker checks again, authoritatively):
 * - another run holds the session → THREAD_BUSY;
 * - calls are waiting → the request must answer all of them (tool messages for frontend
 *   calls, `resume` entries or approvals for approval calls), checked by `applyResume`; a
 *   client's stand-in result cancels its frontend call (client-tool-answers.ts);
 * - nothing is waiting but the request answers calls → TOOL_CALL_NOT_PENDING.
 * Tool results stay strict (a result for a call nobody waits for is refused), while a resume
 * entry naming no interrupt of the thread is skipped and reported, as AG-UI 1.0 says; a
 * payload that does not fit its interrupt's `responseSchema` is a 400 naming the field.
 * Only the server speaks for backend tools (backend-tool-history.ts: BACKEND_TOOL_IN_HISTORY),
 * and approved `edited_args` must fit the tool's schema (TOOL_ARGS_INVALID).
 */
export function planAdmission({
  session,
  messages,
  requestMessages = messages,
  resume = [],
  extraDecisions = [],
  backendTools = new Map(),
  isBackendTool = backendToolMatcher({ backendTools }),
  validator,
  now,
}: {
  session: SessionView;
  messages: ChatMessage[];
  /** Everything the request sent as history (`messages` is its new part). */
  requestMessages?: readonly ChatMessage[];
  resume?: readonly ResumeEntry[];
  extraDecisions?: readonly ResumeDecision[];
  /** The configured backend tools' JSON schemas (`parameters`), by name. */
  backendTools?: ReadonlyMap<string, Record<string, unknown>>;
  /** Whether a name is a backend tool's (default: a name of `backendTools` or a look-alike). */
  isBackendTool?: (name: string) => boolean;
  validator: JsonSchemaValidator;
  now: Date;
}): PlannedRun {
  if (session.activeRunId !== null) {
    throw new ThreadBusyError({
      message: `Thread ${session.id} already has an active run (${session.activeRunId})`,
      details: { active_run_id: session.activeRunId },
    });
  }
  const waiting = session.snapshot.pending_tool_calls.some(isOpenToolCall);
  const importing = session.messageCount === 0 && !waiting;
  const fromEntries = decisionsFromResumeEntries({
    entries: resume,
    calls: session.snapshot.pending_tool_calls,
    validator,
  });
  const resumeDecisions = fromEntries.decisions;
  const ignoredInterrupts = fromEntries.ignored;
  const decidedByResume = new Set(resumeDecisions.map((decision) => decision.toolCallId));
  const screened = screenBackendToolHistory({
    messages,
    requestMessages,
    calls: session.snapshot.pending_tool_calls,
    importing,
    isBackendTool,
    decidedByResume,
  });
  const answers = clientToolAnswers({
    messages: screened,
    calls: session.snapshot.pending_tool_calls,
    decidedByResume,
    importing,
  });
  const decisions = [...answers.decisions, ...resumeDecisions, ...extraDecisions];
  assertEditedArgumentsFit({
    decisions,
    calls: session.snapshot.pending_tool_calls,
    parametersOf: (name) => backendTools.get(name),
    validator,
  });
  if (!waiting && decisions.length > 0) {
    throw new ToolCallNotPendingError({
      toolCallIds: decisions.map((decision) => decision.toolCallId),
      message: "Nothing is waiting for a tool result or an approval on this thread",
    });
  }
  if (waiting) {
    try {
      // Throws TOOL_CALL_NOT_PENDING / TOOL_RESULTS_INCOMPLETE; changes nothing.
      applyResume({ snapshot: session.snapshot, decisions, by: session.userId, now });
    } catch (error) {
      // An expired approval is the worker's to refuse: it marks the call EXPIRED, audits it
      // and ends the run with RUN_ERROR INTERRUPT_EXPIRED, as AG-UI asks.
      if (!InterruptExpiredError.isInstance(error)) throw error;
    }
    return {
      kind: "resume",
      ...(session.snapshot.run ? { parentRunId: session.snapshot.run.run_id } : {}),
      messages: answers.messages,
      decisions,
      ignoredInterrupts,
    };
  }
  return { kind: "run", messages: answers.messages, decisions: [], ignoredInterrupts };
}
