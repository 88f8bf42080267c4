import { AgentError, type AgentErrorInit, type ErrorDetails } from "./agent-error.js";
import { assertNever } from "./assert-never.js";
import {
  type ErrorCode,
  isErrorCode,
  REQUEST_ERROR_CODES,
  type RequestErrorCode,
} from "./error-codes.js";
import {
  InterruptExpiredError,
  ToolCallNotPendingError,
  ToolResultsIncompleteError,
} from "./tool-correlation-errors.js";

export * from "./agent-error.js";
export * from "./error-codes.js";
export * from "./tool-correlation-errors.js";

/** One class per code: `class ThreadBusyError extends codedError("THREAD_BUSY") {}`. */
function codedError<C extends ErrorCode>(code: C) {
  return class extends AgentError {
    static override readonly codes: readonly ErrorCode[] = [code];
    declare readonly code: C;

    constructor(init: AgentErrorInit) {
      super({ ...init, code });
    }
  };
}

export class ThreadBusyError extends codedError("THREAD_BUSY") {}
export class LlmProviderError extends codedError("LLM_PROVIDER_ERROR") {}
export class LlmNotConfiguredError extends codedError("LLM_NOT_CONFIGURED") {}
/** Input the agent's model does not accept (an image or a file part for a text-only model). */
export class UnsupportedContentError extends codedError("UNSUPPORTED_CONTENT") {}
export class BudgetExceededError extends codedError("BUDGET_EXCEEDED") {}
export class ToolExecutionFailedError extends codedError("TOOL_EXECUTION_FAILED") {}
export class OutputInvalidError extends codedError("OUTPUT_INVALID") {}

/** `{placeholder}`s of the workflow that no input, state key or default fills; lists them all. */
export class InputMissingError extends codedError("INPUT_MISSING") {
  readonly inputs: readonly string[];

  constructor({
    inputs,
    message,
    details,
    cause,
  }: { inputs: readonly string[]; message?: string; details?: ErrorDetails; cause?: unknown }) {
    super({
      message:
        message ??
        `Missing input${inputs.length === 1 ? "" : "s"} ${inputs.map((name) => `"${name}"`).join(", ")}: send ${inputs.length === 1 ? "it" : "them"} in forwardedProps.inputs (or as keys of the thread's state)`,
      details: { ...details, inputs: [...inputs], field: "forwardedProps.inputs" },
      cause,
    });
    this.inputs = [...inputs];
  }
}
export class CancelledError extends codedError("CANCELLED") {}
export class InternalError extends codedError("INTERNAL") {}
/**
 * Postgres refused a run's write for what it contains (a value out of range, a constraint,
 * a size limit): the same write would fail again, so the run ends instead of retrying.
 */
export class CheckpointRefusedError extends codedError("CHECKPOINT_REFUSED") {}
/** The supervisor could not recover a run whose job or worker was lost (ARCHITECTURE.md §9). */
export class RunAbandonedError extends codedError("RUN_ABANDONED") {}
export class IllegalToolCallTransitionError extends codedError("ILLEGAL_TOOL_CALL_TRANSITION") {}
export class SnapshotInvalidError extends codedError("SNAPSHOT_INVALID") {}
/** A snapshot write lost the optimistic-lock race (`WHERE version = $expected`); retry it. */
export class VersionConflictError extends codedError("SNAPSHOT_VERSION_CONFLICT") {}
export class ConfigInvalidError extends codedError("CONFIG_INVALID") {}

/** A tool name that is neither declared by the client nor configured on the backend. */
export class UnknownToolError extends codedError("UNKNOWN_TOOL") {
  readonly toolName: string;

  constructor({ toolName, message, details, cause }: NamedToolErrorInit<string>) {
    super({
      message: message ?? `Unknown tool: ${toolName}`,
      details: { ...details, tool_name: toolName },
      cause,
    });
    this.toolName = toolName;
  }
}

/** Client-declared tools that would shadow backend tools; lists every such name. */
export class ToolNameConflictError extends codedError("TOOL_NAME_CONFLICT") {
  readonly toolNames: readonly string[];

  constructor({ toolNames, message, details, cause }: NamedToolErrorInit<readonly string[]>) {
    super({
      message: message ?? `Client tools conflict with backend tools: ${toolNames.join(", ")}`,
      details: { ...details, tool_names: [...toolNames] },
      cause,
    });
    this.toolNames = [...toolNames];
  }
}

type NamedToolErrorInit<Name> = {
  message?: string;
  details?: ErrorDetails;
  cause?: unknown;
} & (Name extends string ? { toolName: Name } : { toolNames: Name });

/** HTTP-only failures: `new RequestError({ code: "NOT_FOUND", message })`. */
export class RequestError extends AgentError {
  static override readonly codes: readonly ErrorCode[] = REQUEST_ERROR_CODES;
  declare readonly code: RequestErrorCode;

  constructor(init: AgentErrorInit & { code: RequestErrorCode }) {
    super(init);
  }
}

/** Rebuilds the right class from `toJSON()` output; an unknown code becomes INTERNAL. */
export function errorFromJSON({
  code,
  message,
  details,
}: {
  code: string;
  message: string;
  details?: ErrorDetails;
}): AgentError {
  if (!isErrorCode(code)) {
    return new InternalError({ message, details: { ...details, original_code: code } });
  }
  const init = details === undefined ? { message } : { message, details };
  switch (code) {
    case "THREAD_BUSY":
      return new ThreadBusyError(init);
    case "TOOL_CALL_NOT_PENDING":
      return new ToolCallNotPendingError({
        ...init,
        toolCallIds: stringList(details?.tool_call_ids),
      });
    case "TOOL_RESULTS_INCOMPLETE":
      return new ToolResultsIncompleteError({
        ...init,
        toolCallIds: stringList(details?.tool_call_ids),
      });
    case "INTERRUPT_EXPIRED":
      return new InterruptExpiredError({
        ...init,
        toolCallIds: stringList(details?.tool_call_ids),
      });
    case "TOOL_NAME_CONFLICT":
      return new ToolNameConflictError({ ...init, toolNames: stringList(details?.tool_names) });
    case "LLM_PROVIDER_ERROR":
      return new LlmProviderError(init);
    case "LLM_NOT_CONFIGURED":
      return new LlmNotConfiguredError(init);
    case "UNSUPPORTED_CONTENT":
      return new UnsupportedContentError(init);
    case "BUDGET_EXCEEDED":
      return new BudgetExceededError(init);
    case "TOOL_EXECUTION_FAILED":
      return new ToolExecutionFailedError(init);
    case "INPUT_MISSING":
      return new InputMissingError({ ...init, inputs: stringList(details?.inputs) });
    case "OUTPUT_INVALID":
      return new OutputInvalidError(init);
    case "CANCELLED":
      return new CancelledError(init);
    case "CHECKPOINT_REFUSED":
      return new CheckpointRefusedError(init);
    case "RUN_ABANDONED":
      return new RunAbandonedError(init);
    case "INTERNAL":
      return new InternalError(init);
    case "ILLEGAL_TOOL_CALL_TRANSITION":
      return new IllegalToolCallTransitionError(init);
    case "SNAPSHOT_INVALID":
      return new SnapshotInvalidError(init);
    case "SNAPSHOT_VERSION_CONFLICT":
      return new VersionConflictError(init);
    case "UNKNOWN_TOOL":
      return new UnknownToolError({ ...init, toolName: String(details?.tool_name ?? "") });
    case "CONFIG_INVALID":
      return new ConfigInvalidError(init);
    case "VALIDATION_ERROR":
    case "UNAUTHORIZED":
    case "FORBIDDEN":
    case "NOT_FOUND":
    case "PAYLOAD_TOO_LARGE":
    case "RUN_NOT_ACTIVE":
    case "NOT_ACCEPTABLE":
    case "REQUEST_TIMEOUT":
    case "UNSUPPORTED_MEDIA_TYPE":
    case "HEADERS_TOO_LARGE":
    case "TOOL_ARGS_INVALID":
    case "BACKEND_TOOL_IN_HISTORY":
    case "SERVICE_UNAVAILABLE":
      return new RequestError({ ...init, code });
    default:
      return assertNever(code);
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}
