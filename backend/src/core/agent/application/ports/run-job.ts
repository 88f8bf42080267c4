import type { ContextEntry } from "../../domain/state-snapshot.js";
import type { ResumeDecision } from "../../domain/tool-correlation.js";
import type { ChatMessage } from "./chat-message.js";

/** Frontend tool declared by the client in `RunAgentInput.tools`. */
export interface ClientToolInput {
  name: string;
  description: string;
  parameters?: Record<string, unknown>;
}

/** What a queued run needs beyond what Postgres already holds. */
export interface RunJob {
  kind: "run" | "resume";
  runId: string;
  sessionId: string;
  userId: string;
  /** Messages from the client that are not stored yet (the new user turn, tool results). */
  messages: ChatMessage[];
  clientTools: ClientToolInput[];
  /** Client-side AG-UI state, merged into the thread's by the documented rule, when sent. */
  state?: Record<string, unknown>;
  /** `forwardedProps.inputs` as text (CrewAI inputs); only new turns carry them. */
  inputs?: Record<string, string>;
  /** The turn's `RunAgentInput.context`; absent keeps the thread's (a REST resume). */
  context?: ContextEntry[];
  /** Only for resumes: the decisions to apply to the pending tool calls. */
  decisions: ResumeDecision[];
  /**
   * W3C trace context (`traceparent`, `tracestate`) of the request that queued the run, so
   * the worker's spans join its trace; set by the queue adapter when tracing is on.
   */
  traceContext?: Record<string, string>;
}

/** Enqueues runs for the workers; `jobId = runId`, so enqueuing twice is harmless. */
export interface RunQueue {
  enqueue(job: RunJob): Promise<void>;
  /**
   * Throws SERVICE_UNAVAILABLE when the queue's connection is down, so a request is refused
   * at once instead of waiting for Redis to come back.
   */
  assertAvailable(): void;
}

/**
 * Where a run's job is: `pending` (waiting, delayed or being picked up), `active` (a worker
 * holds it), `finished` (completed or failed in the queue) or `missing` (the queue forgot it).
 */
export type JobPresence = "pending" | "active" | "finished" | "missing";

/** What the supervisor and cancel need of the queue beyond enqueuing. */
export interface RunJobControl {
  /** Each run's job presence. */
  presence(runIds: readonly string[]): Promise<Map<string, JobPresence>>;
  /** Enqueues the job again, replacing a finished job of the same run; no-op while pending or active. */
  requeue(job: RunJob): Promise<void>;
  /**
   * Takes a run's job off the queue unless a worker holds it: `withdrawn` (or `missing`) means
   * no worker will run it from the queue; `held` means a worker has it.
   */
  withdraw(runId: string): Promise<"withdrawn" | "missing" | "held">;
}
