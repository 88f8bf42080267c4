import type { BudgetService } from "../../core/agent/application/budget-service.js";
import type { CancelService } from "../../core/agent/application/cancel-service.js";
import type { ConversationService } from "../../core/agent/application/conversation-service.js";
import type { ChatMessage } from "../../core/agent/application/ports/chat-message.js";
import type { StoredChatMessage } from "../../core/agent/application/ports/conversation-queries.js";
import type {
  RunView,
  SessionView,
  UsageTotals,
} from "../../core/agent/application/ports/run-store.js";
import type { ResumeService } from "../../core/agent/application/resume-service.js";
import type { RunRequest } from "../../core/agent/application/run-request.js";
import type { RunService } from "../../core/agent/application/run-service.js";
import type { UsageService } from "../../core/agent/application/usage-service.js";
import type { AgUiMessage, RunAgentInputBody } from "./schemas.js";

/** The application services the routes call; wired by the composition root. */
export interface AgentApiServices {
  runs: RunService;
  resumes: ResumeService;
  cancels: CancelService;
  conversations: ConversationService;
  budgets: BudgetService;
  usage: UsageService;
}

function contentText(content: string | { type: string }[]): string {
  if (typeof content === "string") return content;
  return content
    .map((part) =>
      (part as { text?: unknown }).text === undefined
        ? ""
        : String((part as { text?: unknown }).text),
    )
    .join("");
}

/** AG-UI message → stored message shape; roles we do not store (developer, activity…) drop out. */
function toChatMessage(message: AgUiMessage): ChatMessage[] {
  switch (message.role) {
    case "user":
      return [{ id: message.id, role: "user", content: message.content as string | unknown[] }];
    case "assistant":
      return [
        {
          id: message.id,
          role: "assistant",
          ...(message.content ? { content: message.content } : {}),
          ...(message.toolCalls?.length
            ? {
                toolCalls: message.toolCalls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.function.name, arguments: call.function.arguments },
                })),
              }
            : {}),
        },
      ];
    case "tool":
      return [
        {
          id: message.id,
          role: "tool",
          toolCallId: message.toolCallId,
          content: contentText(message.content as string | { type: string }[]),
          ...(message.error === undefined ? {} : { error: message.error }),
        },
      ];
    case "system":
      return [{ id: message.id, role: "system", content: message.content }];
    default:
      return [];
  }
}

export function toRunRequest(body: RunAgentInputBody): RunRequest {
  const state = body.state;
  return {
    threadId: body.threadId,
    runId: body.runId,
    messages: body.messages.flatMap(toChatMessage),
    tools: body.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      ...(tool.parameters ? { parameters: tool.parameters } : {}),
    })),
    ...(typeof state === "object" && state !== null && !Array.isArray(state)
      ? { state: state as Record<string, unknown> }
      : {}),
    ...(body.context.length > 0
      ? { context: body.context.map(({ description, value }) => ({ description, value })) }
      : {}),
    ...(body.forwardedProps?.agent ? { workflow: body.forwardedProps.agent } : {}),
    ...(body.forwardedProps?.inputs ? { inputs: body.forwardedProps.inputs } : {}),
    ...(body.resume ? { resume: body.resume } : {}),
  };
}

function usageJson(usage: UsageTotals) {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    reasoning_tokens: usage.reasoningTokens,
    cost_usd: usage.costUsd,
    llm_calls: usage.llmCallCount,
  };
}

export function runJson(run: RunView) {
  return {
    run_id: run.clientRunId,
    session_id: run.threadId,
    kind: run.kind,
    parent_run_id: run.parentClientRunId,
    workflow: run.workflow,
    status: run.status,
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage ?? "" } : null,
    attempts: run.attempts,
    cancel_requested: run.cancelRequested,
    created_at: run.createdAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    usage: usageJson(run.usage),
  };
}

export function sessionJson(session: SessionView) {
  return {
    session_id: session.threadId,
    workflow: session.workflow,
    status: session.status,
    active_run_id: session.activeClientRunId,
    message_count: session.messageCount,
    last_seq: session.lastSeq,
    version: session.version,
    usage: usageJson(session.usage),
    state_snapshot: session.snapshot,
    created_at: session.createdAt.toISOString(),
    updated_at: session.updatedAt.toISOString(),
  };
}

/** History in AG-UI message shape; `metadata` carries our position (seq) and origin. */
export function messagesJson(stored: readonly StoredChatMessage[], limit: number) {
  return {
    messages: stored.map((entry) => ({
      ...entry.message,
      metadata: {
        seq: entry.seq,
        created_at: entry.createdAt.toISOString(),
        ...(entry.runId ? { run_id: entry.runId } : {}),
        ...(entry.stage ? { stage: entry.stage } : {}),
      },
    })),
    next_after_seq: stored.length === limit ? (stored.at(-1)?.seq ?? null) : null,
  };
}

export function eventsUrl(runId: string): string {
  return `/api/v1/agent/runs/${encodeURIComponent(runId)}/events`;
}
