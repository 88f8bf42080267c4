import { AgentError, type ErrorDetails } from "./agent-error.js";
import type { ErrorCode } from "./error-codes.js";

export const TOOL_CORRELATION_ERROR_CODES = [
  "TOOL_CALL_NOT_PENDING",
  "TOOL_RESULTS_INCOMPLETE",
  "INTERRUPT_EXPIRED",
] as const;
export type ToolCorrelationErrorCode = (typeof TOOL_CORRELATION_ERROR_CODES)[number];

export type ToolCorrelationErrorInit = {
  /** The offending tool call ids; they travel as `details.tool_call_ids`. */
  toolCallIds: readonly string[];
  message?: string;
  details?: ErrorDetails;
  cause?: unknown;
};

/** A resume, tool result or approval that does not match the session's pending tool calls. */
export abstract class ToolCorrelationError extends AgentError {
  static override readonly codes: readonly ErrorCode[] = TOOL_CORRELATION_ERROR_CODES;

  declare readonly code: ToolCorrelationErrorCode;
  declare readonly details: ErrorDetails & { tool_call_ids: string[] };
  readonly toolCallIds: readonly string[];

  protected constructor({
    code,
    defaultMessage,
    toolCallIds,
    message,
    details,
    cause,
  }: ToolCorrelationErrorInit & { code: ToolCorrelationErrorCode; defaultMessage: string }) {
    super({
      code,
      message: message ?? `${defaultMessage}: ${toolCallIds.join(", ")}`,
      details: { ...details, tool_call_ids: [...toolCallIds] },
      cause,
    });
    this.toolCallIds = [...toolCallIds];
  }
}

/** An id that is unknown, already settled, of another mode, or given twice in one resume. */
export class ToolCallNotPendingError extends ToolCorrelationError {
  static override readonly codes: readonly ErrorCode[] = ["TOOL_CALL_NOT_PENDING"];
  declare readonly code: "TOOL_CALL_NOT_PENDING";

  constructor(init: ToolCorrelationErrorInit) {
    super({ ...init, code: "TOOL_CALL_NOT_PENDING", defaultMessage: "Tool calls are not pending" });
  }
}

/** A resume that leaves open tool calls unanswered; lists every one of them. */
export class ToolResultsIncompleteError extends ToolCorrelationError {
  static override readonly codes: readonly ErrorCode[] = ["TOOL_RESULTS_INCOMPLETE"];
  declare readonly code: "TOOL_RESULTS_INCOMPLETE";

  constructor(init: ToolCorrelationErrorInit) {
    super({
      ...init,
      code: "TOOL_RESULTS_INCOMPLETE",
      defaultMessage: "Tool calls are still waiting for an answer",
    });
  }
}

/** An approval or a result that arrived after the call's `expires_at`. */
export class InterruptExpiredError extends ToolCorrelationError {
  static override readonly codes: readonly ErrorCode[] = ["INTERRUPT_EXPIRED"];
  declare readonly code: "INTERRUPT_EXPIRED";

  constructor(init: ToolCorrelationErrorInit) {
    super({ ...init, code: "INTERRUPT_EXPIRED", defaultMessage: "Interrupts have expired" });
  }
}
