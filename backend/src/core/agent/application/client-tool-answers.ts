import {
  clientStandInReason,
  standInCancellationReason,
} from "../domain/client-stand-in-result.js";
import type { PendingToolCall } from "../domain/state-snapshot.js";
import { isOpenToolCall } from "../domain/tool-call-status.js";
import type { ResumeDecision } from "../domain/tool-correlation.js";
import type { ChatMessage } from "./ports/chat-message.js";
import { refusalResult } from "./tool-refusal.js";

/**
 * The decisions a request's `role: "tool"` messages make, and the messages to store:
 * - a result for a call is a `result` decision, stored as sent;
 * - a client's stand-in for a call it never ran (client-stand-in-result.ts) is not a result:
 *   for a waiting frontend call it cancels the call, stored as the refusal the model sees
 *   (under the client's message id); anything else it answers is dropped;
 * - a tool message for a call a `resume` entry of the same request decides (CopilotKit's
 *   `useInterrupt` sends both) is dropped: the entry decides, and the tool's real result is
 *   what the server stores after it runs.
 */
export function clientToolAnswers({
  messages,
  calls,
  decidedByResume,
  importing,
}: {
  messages: readonly ChatMessage[];
  calls: readonly PendingToolCall[];
  decidedByResume: ReadonlySet<string>;
  /** A new thread's history: nothing waits, so no message is a decision. */
  importing: boolean;
}): { decisions: ResumeDecision[]; messages: ChatMessage[] } {
  const decisions: ResumeDecision[] = [];
  const kept: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role !== "tool") {
      kept.push(message);
      continue;
    }
    const standIn = clientStandInReason(message.content);
    if (standIn !== undefined) {
      const reason = standInCancellationReason(standIn);
      const call = calls.find((candidate) => candidate.tool_call_id === message.toolCallId);
      const waitingFrontendCall =
        call !== undefined && call.mode === "FRONTEND_EXECUTE" && isOpenToolCall(call);
      if (importing || waitingFrontendCall) {
        const refusal = refusalResult({ mode: "FRONTEND_EXECUTE", status: "REJECTED", reason });
        kept.push({ id: message.id, role: "tool", toolCallId: message.toolCallId, ...refusal });
      }
      if (!importing && waitingFrontendCall) {
        decisions.push({ kind: "reject", toolCallId: message.toolCallId, reason });
      }
      continue;
    }
    if (importing) {
      kept.push(message);
      continue;
    }
    if (decidedByResume.has(message.toolCallId)) continue;
    kept.push(message);
    decisions.push({
      kind: "result",
      toolCallId: message.toolCallId,
      content: message.content,
      ...(message.error === undefined ? {} : { error: message.error }),
    });
  }
  return { decisions, messages: kept };
}
