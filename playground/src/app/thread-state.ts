import type { Interrupt, Message } from "@ag-ui/client";
import { ApiError } from "../agent/sse-events";
import type { RunInfo } from "../api/agent-api";

/** One run as the runs panel shows it. */
export interface RunView {
  runId: string;
  steps: string[];
  info?: RunInfo;
  live: boolean;
}

export interface ShownError {
  code: string;
  message: string;
}

export interface ThreadState {
  threadId: string;
  workflow: string;
  messages: Message[];
  interrupts: Interrupt[];
  running: boolean;
  runs: RunView[];
  error: ShownError | undefined;
}

export function newThreadId(): string {
  return `thread-${crypto.randomUUID()}`;
}

export function emptyThread(workflow: string): ThreadState {
  return {
    threadId: newThreadId(),
    workflow,
    messages: [],
    interrupts: [],
    running: false,
    runs: [],
    error: undefined,
  };
}

/** What the page shows for a failure: the api's code and message, or the client's. */
export function errorOf(error: unknown): ShownError {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const text = error instanceof Error ? error.message : String(error);
  return { code: "CLIENT_ERROR", message: text };
}
