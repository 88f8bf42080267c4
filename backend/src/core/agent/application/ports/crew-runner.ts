import type { StateSnapshot } from "../../domain/state-snapshot.js";
import type { ChatMessage } from "./chat-message.js";
import type { LlmCallRecorder } from "./llm-call-record.js";
import type { CrewEvent } from "./run-event.js";
import type { AuditRecord, NewChatMessage } from "./run-store.js";

/** What the crew hands back after each LLM step or tool result, to be persisted atomically. */
export interface CrewStep {
  snapshot: StateSnapshot;
  messages: NewChatMessage[];
  /** Audit rows written with the step (e.g. `tool_call.executed` with the tool's message). */
  audit?: AuditRecord[];
  /**
   * The step may be written together with the run's ending instead of on its own: set on the
   * last stage's finish, when nothing but the ending follows.
   */
  deferrable?: boolean;
}

export interface CrewRunInput {
  runId: string;
  sessionId: string;
  /** The run's user: whose budget its model calls spend. */
  userId: string;
  /** The snapshot to continue from: its run cursor says which stage and iteration. */
  snapshot: StateSnapshot;
  /** Persisted conversation, oldest first, including this run's messages so far. */
  history: ChatMessage[];
  signal: AbortSignal;
  emit(event: CrewEvent): void;
  /** Persists a step (messages, snapshot, the LLM calls recorded so far); returns the stored snapshot. */
  checkpoint(step: CrewStep): Promise<StateSnapshot>;
  recorder: LlmCallRecorder;
}

/**
 * - `completed`: every stage finished;
 * - `paused`: the current stage waits for frontend results or approvals (see the snapshot's
 *   pending calls).
 */
export type CrewRunResult = { type: "completed" | "paused"; snapshot: StateSnapshot };

/** Executes a workflow's stages from a checkpoint (the crew runtime, on the worker). */
export interface CrewRunner {
  run(input: CrewRunInput): Promise<CrewRunResult>;
}
