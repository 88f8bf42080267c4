import type { ResumeEntry } from "@ag-ui/core";
import type { ContextEntry } from "../domain/state-snapshot.js";
import type { ChatMessage } from "./ports/chat-message.js";
import type { StoredRunEvent } from "./ports/run-event-stream.js";
import type { ClientToolInput } from "./ports/run-job.js";

/** A user turn as the api received it (an AG-UI `RunAgentInput`, already validated). */
export interface RunRequest {
  threadId: string;
  runId: string;
  /** The client's full history (HttpAgent sends all of it every time). */
  messages: ChatMessage[];
  tools: ClientToolInput[];
  state?: Record<string, unknown>;
  /** `RunAgentInput.context`: shown to the model with the system prompt. */
  context?: ContextEntry[];
  /** `forwardedProps.agent`: which workflow a new thread runs. */
  workflow?: string;
  /** `forwardedProps.inputs`: values for the workflow's `{placeholder}`s (CrewAI inputs). */
  inputs?: Record<string, unknown>;
  resume?: ResumeEntry[];
}

/** `POST /runs/{runId}/resume`: answers to the calls an interrupted run is waiting for. */
export interface ResumeRequest {
  parentRunId: string;
  /** Id of the resume run; minted when absent. */
  runId?: string;
  toolResults: { tool_call_id: string; content: string; error?: string }[];
  approvals: {
    tool_call_id: string;
    approved: boolean;
    edited_args?: Record<string, unknown>;
    reason?: string;
  }[];
  resume?: ResumeEntry[];
}

/** What the api answers once a run is accepted (or a replay found). */
export interface RunAcceptance {
  /** The run as the client names it (its runId). */
  runId: string;
  /** The thread as the client names it (its threadId). */
  sessionId: string;
  /** The run's storage id: its event stream and job. */
  storageRunId: string;
  kind: "run" | "resume";
  status: string;
  /** The run id was known already: this answer describes the existing run. */
  replayed: boolean;
  /**
   * A new run's RUN_STARTED as its stream will hold it (id and AG-UI JSON), for an SSE client:
   * it can be sent before the run is on the queue, since the run is already recorded.
   */
  startEvent?: StoredRunEvent;
  /** Resolves once the run is on the queue (RUN_STARTED stored, job added); rejects if not. */
  dispatched: Promise<void>;
}
