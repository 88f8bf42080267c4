import { clientStandInReason } from "../domain/client-stand-in-result.js";
import { RequestError } from "../domain/errors.js";
import type { PendingToolCall } from "../domain/state-snapshot.js";
import type { ChatMessage } from "./ports/chat-message.js";

/**
 * Only the server speaks for backend tools. What a client sends as history may not hold a
 * backend tool's call or result (BACKEND_TOOL_IN_HISTORY, 400, nothing stored):
 * - a new thread's import: an assistant message calling a backend tool (answered or not: a
 *   call the server never made), and any tool message answering such a call;
 * - a later turn: a tool message answering a backend call, whether the thread's snapshot or the
 *   client's own copy of the history says it was one. The server's own stored result sent back
 *   unchanged (clients resend the whole history) is not a claim: it is dropped.
 * "Backend tool" includes names the model could take for one (see toolNameLookalikeKey).
 * Stand-in results and tool messages a resume entry of the same request decides are left to
 * clientToolAnswers, which never stores them as results. Returns the messages to go on with.
 */
export function screenBackendToolHistory({
  messages,
  requestMessages,
  calls,
  importing,
  isBackendTool,
  decidedByResume,
}: {
  /** The request's new messages (all of them on a new thread, else the trailing ones). */
  messages: readonly ChatMessage[];
  /** Everything the request sent, to tell which tool a trailing result claims to answer. */
  requestMessages: readonly ChatMessage[];
  /** The thread's pending tool calls. */
  calls: readonly PendingToolCall[];
  importing: boolean;
  /** Whether a name is a backend tool's or one the model could take for it (backendToolMatcher). */
  isBackendTool: (name: string) => boolean;
  decidedByResume: ReadonlySet<string>;
}): ChatMessage[] {
  const claimed = new Map<string, string>();
  for (const message of importing ? messages : requestMessages) {
    if (message.role !== "assistant") continue;
    for (const call of message.toolCalls ?? []) {
      if (isBackendTool(call.function.name)) claimed.set(call.id, call.function.name);
    }
  }
  const offending = new Map<string, string>();
  if (importing) for (const [id, name] of claimed) offending.set(id, name);
  const kept: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role !== "tool" || importing) {
      kept.push(message);
      continue;
    }
    const { toolCallId } = message;
    if (decidedByResume.has(toolCallId) || clientStandInReason(message.content) !== undefined) {
      kept.push(message);
      continue;
    }
    const call = calls.find((candidate) => candidate.tool_call_id === toolCallId);
    const backendCall =
      call !== undefined &&
      (call.mode === "BACKEND_APPROVAL_INTERRUPT" || call.mode === "BACKEND_DIRECT_EXECUTE");
    if (backendCall && call.status === "EXECUTED" && call.result?.content === message.content) {
      continue;
    }
    if (backendCall) offending.set(toolCallId, call.tool_name);
    else if (call === undefined && claimed.has(toolCallId))
      offending.set(toolCallId, claimed.get(toolCallId) ?? "");
    else kept.push(message);
  }
  if (offending.size > 0) {
    const toolCallIds = [...offending.keys()];
    const toolNames = [...new Set(offending.values())].sort();
    throw new RequestError({
      code: "BACKEND_TOOL_IN_HISTORY",
      message: importing
        ? `An imported history may not hold calls or results of backend tools (${toolNames.join(", ")}): only the server runs them and records their results`
        : `A client may not supply results of backend tools (${toolNames.join(", ")}): only the server runs them and records their results`,
      details: { tool_call_ids: toolCallIds, tool_names: toolNames, field: "body.messages" },
    });
  }
  return kept;
}
