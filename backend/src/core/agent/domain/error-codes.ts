import { assertNever } from "./assert-never.js";

/** Codes a run can end with (RUN_ERROR.code) and that HTTP errors share. (contract) */
export const RUN_ERROR_CODES = [
  "THREAD_BUSY",
  "TOOL_CALL_NOT_PENDING",
  "TOOL_RESULTS_INCOMPLETE",
  "INTERRUPT_EXPIRED",
  "TOOL_NAME_CONFLICT",
  "LLM_PROVIDER_ERROR",
  "LLM_NOT_CONFIGURED",
  "UNSUPPORTED_CONTENT",
  "BUDGET_EXCEEDED",
  "TOOL_EXECUTION_FAILED",
  "INPUT_MISSING",
  "OUTPUT_INVALID",
  "CANCELLED",
  "CHECKPOINT_REFUSED",
  "RUN_ABANDONED",
  "INTERNAL",
] as const;
export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

/** Codes only the HTTP API answers with; they never end a run. */
export const REQUEST_ERROR_CODES = [
  "VALIDATION_ERROR",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  "RUN_NOT_ACTIVE",
  "NOT_ACCEPTABLE",
  "REQUEST_TIMEOUT",
  "UNSUPPORTED_MEDIA_TYPE",
  "HEADERS_TOO_LARGE",
  "TOOL_ARGS_INVALID",
  "BACKEND_TOOL_IN_HISTORY",
  "SERVICE_UNAVAILABLE",
] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

/** Codes raised inside the service; a run that meets one ends with `runErrorCodeFor(code)`. */
export const DOMAIN_ERROR_CODES = [
  "ILLEGAL_TOOL_CALL_TRANSITION",
  "SNAPSHOT_INVALID",
  "SNAPSHOT_VERSION_CONFLICT",
  "UNKNOWN_TOOL",
  "CONFIG_INVALID",
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export const ERROR_CODES = [
  ...RUN_ERROR_CODES,
  ...REQUEST_ERROR_CODES,
  ...DOMAIN_ERROR_CODES,
] as const;
export type ErrorCode = RunErrorCode | RequestErrorCode | DomainErrorCode;

const errorCodes: ReadonlySet<string> = new Set(ERROR_CODES);
const runErrorCodes: ReadonlySet<string> = new Set(RUN_ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && errorCodes.has(value);
}

export function isRunErrorCode(value: unknown): value is RunErrorCode {
  return typeof value === "string" && runErrorCodes.has(value);
}

export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case "VALIDATION_ERROR":
    case "TOOL_NAME_CONFLICT":
    case "TOOL_ARGS_INVALID":
    case "BACKEND_TOOL_IN_HISTORY":
    case "UNKNOWN_TOOL":
    case "INPUT_MISSING":
    case "UNSUPPORTED_CONTENT":
      return 400;
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "NOT_ACCEPTABLE":
      return 406;
    case "REQUEST_TIMEOUT":
      return 408;
    case "THREAD_BUSY":
    case "TOOL_CALL_NOT_PENDING":
    case "TOOL_RESULTS_INCOMPLETE":
    case "INTERRUPT_EXPIRED":
    case "CANCELLED":
    case "RUN_NOT_ACTIVE":
    case "SNAPSHOT_VERSION_CONFLICT":
      return 409;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "HEADERS_TOO_LARGE":
      return 431;
    case "BUDGET_EXCEEDED":
      return 429;
    case "TOOL_EXECUTION_FAILED":
    case "CHECKPOINT_REFUSED":
    case "RUN_ABANDONED":
    case "INTERNAL":
    case "ILLEGAL_TOOL_CALL_TRANSITION":
    case "SNAPSHOT_INVALID":
    case "CONFIG_INVALID":
      return 500;
    case "LLM_PROVIDER_ERROR":
    case "OUTPUT_INVALID":
      return 502;
    case "LLM_NOT_CONFIGURED":
    case "SERVICE_UNAVAILABLE":
      return 503;
    default:
      return assertNever(code);
  }
}

/** The terminal run status a run ending with this code gets. */
export function runStatusFor(code: RunErrorCode): "failed" | "cancelled" {
  switch (code) {
    case "CANCELLED":
      return "cancelled";
    case "THREAD_BUSY":
    case "TOOL_CALL_NOT_PENDING":
    case "TOOL_RESULTS_INCOMPLETE":
    case "INTERRUPT_EXPIRED":
    case "TOOL_NAME_CONFLICT":
    case "LLM_PROVIDER_ERROR":
    case "LLM_NOT_CONFIGURED":
    case "UNSUPPORTED_CONTENT":
    case "BUDGET_EXCEEDED":
    case "TOOL_EXECUTION_FAILED":
    case "INPUT_MISSING":
    case "OUTPUT_INVALID":
    case "CHECKPOINT_REFUSED":
    case "RUN_ABANDONED":
    case "INTERNAL":
      return "failed";
    default:
      return assertNever(code);
  }
}

/**
 * The contract code a run reports (RUN_ERROR.code) for any error it meets: request and domain
 * codes are not part of the stream contract, so they surface as INTERNAL.
 */
export function runErrorCodeFor(code: ErrorCode): RunErrorCode {
  switch (code) {
    case "THREAD_BUSY":
    case "TOOL_CALL_NOT_PENDING":
    case "TOOL_RESULTS_INCOMPLETE":
    case "INTERRUPT_EXPIRED":
    case "TOOL_NAME_CONFLICT":
    case "LLM_PROVIDER_ERROR":
    case "LLM_NOT_CONFIGURED":
    case "UNSUPPORTED_CONTENT":
    case "BUDGET_EXCEEDED":
    case "TOOL_EXECUTION_FAILED":
    case "INPUT_MISSING":
    case "OUTPUT_INVALID":
    case "CANCELLED":
    case "CHECKPOINT_REFUSED":
    case "RUN_ABANDONED":
    case "INTERNAL":
      return code;
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
    case "ILLEGAL_TOOL_CALL_TRANSITION":
    case "SNAPSHOT_INVALID":
    case "SNAPSHOT_VERSION_CONFLICT":
    case "UNKNOWN_TOOL":
    case "CONFIG_INVALID":
      return "INTERNAL";
    default:
      return assertNever(code);
  }
}
