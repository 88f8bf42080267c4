import type { AgentStateAccess } from "../crew/agent-state-access.js";

/** What a handler may log: one line per call is plenty; never log secrets or whole results. */
export interface ToolLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** Who and what a tool call is for; the second argument of every handler. */
export interface ToolCallContext {
  runId: string;
  sessionId: string;
  userId: string;
  toolCallId: string;
  /** The tool's configured name (e.g. `crm.create_ticket`). */
  toolName: string;
  /** `runId:toolCallId`: pass it to any external system that supports idempotency keys. */
  idempotencyKey: string;
  /** Aborted when the run is cancelled or the call's timeout passes: stop the work then. */
  signal: AbortSignal;
  logger: ToolLogger;
  now: Date;
  /** The thread's AG-UI shared state (built-in handlers only): read it, or queue JSON Patch operations. */
  state?: AgentStateAccess;
}

/**
 * Runs a backend tool: returns its JSON result (or text), or throws; the model then sees the
 * error as the call's result, and the run goes on.
 */
export type ToolHandler = (
  args: Record<string, unknown>,
  context: ToolCallContext,
) => unknown | Promise<unknown>;
