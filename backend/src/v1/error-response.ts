import {
  RETRY_AFTER_SECONDS,
  serviceUnavailable,
  unreachableDependency,
} from "../core/agent/application/dependency-outage.js";
import {
  AgentError,
  type ErrorDetails,
  httpStatusFor,
  type RequestErrorCode,
} from "../core/agent/domain/errors.js";

/** The one error body every 4xx and 5xx answer has. (contract) */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetails };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** `Retry-After` (seconds) of a 503 while a dependency is down. */
  retryAfterSeconds?: number;
}

/** One field at fault, as `details.issues[]` lists it (`body.messages.0.content`). */
export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * `details` of an error caused by specific fields: `field` names the first, `issues` lists
 * each, so a client can point at the input without parsing the message.
 */
export function fieldDetails(issues: readonly FieldIssue[]): ErrorDetails {
  return { field: issues[0]?.field, issues: [...issues] };
}

/** A request error naming one field. */
export function fieldError({
  code = "VALIDATION_ERROR",
  field,
  message,
}: {
  code?: RequestErrorCode;
  field: string;
  message: string;
}): ErrorResponse {
  return requestError({ code, message, details: fieldDetails([{ field, message }]) });
}

export function requestError({
  code,
  message,
  details,
}: {
  code: RequestErrorCode;
  message: string;
  details?: ErrorDetails;
}): ErrorResponse {
  return {
    status: httpStatusFor(code),
    body: { error: details === undefined ? { code, message } : { code, message, details } },
  };
}

export const INTERNAL_ERROR: ErrorResponse = {
  status: 500,
  body: { error: { code: "INTERNAL", message: "Internal error" } },
};

/**
 * Fastify's own 4xx errors, in our shape. Each names the part of the request at fault;
 * messages do not echo client input (a bad URL can be megabytes long).
 */
const FRAMEWORK_ERRORS: Readonly<Record<string, () => ErrorResponse>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    fieldError({
      code: "PAYLOAD_TOO_LARGE",
      field: "body",
      message: "Request body is larger than the limit",
    }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    fieldError({
      code: "UNSUPPORTED_MEDIA_TYPE",
      field: "headers.content-type",
      message: "Request bodies must be application/json",
    }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    fieldError({
      field: "headers.content-length",
      message: "Request body size did not match Content-Length",
    }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    fieldError({ field: "body", message: "Body cannot be empty when it is application/json" }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => fieldError({ field: "body", message: "is not valid JSON" }),
  FST_ERR_BAD_URL: () =>
    fieldError({ field: "url", message: "URL has malformed percent-encoding" }),
  FST_ERR_MAX_PARAM_LENGTH: () =>
    fieldError({ field: "params", message: "A path segment is too long" }),
};

/** The request code for a 4xx status a library reported without one of our codes. */
function requestCodeForStatus(status: number): RequestErrorCode {
  switch (status) {
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 406:
      return "NOT_ACCEPTABLE";
    case 408:
      return "REQUEST_TIMEOUT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    case 431:
      return "HEADERS_TOO_LARGE";
    default:
      return "VALIDATION_ERROR";
  }
}

/**
 * Any thrown value → status and body: an AgentError keeps its code and status; a known
 * framework error gets its code; another 4xx gets the code of its status; Postgres or Redis
 * being unreachable is SERVICE_UNAVAILABLE (503, `Retry-After`); everything else is INTERNAL
 * (500), with no detail of what went wrong.
 */
export function errorResponse(error: unknown): ErrorResponse {
  const unreachable = unreachableDependency(error);
  if (unreachable) {
    const unavailable = AgentError.isInstance(error) ? error : serviceUnavailable(unreachable);
    return {
      status: 503,
      body: { error: unavailable.toJSON() },
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    };
  }
  if (AgentError.isInstance(error))
    return { status: error.httpStatus, body: { error: error.toJSON() } };
  const { code, statusCode, message } = (error ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  const known = typeof code === "string" ? FRAMEWORK_ERRORS[code] : undefined;
  if (known) return known();
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return requestError({
      code: requestCodeForStatus(statusCode),
      message: typeof message === "string" && message.length <= 200 ? message : "Bad request",
    });
  }
  return INTERNAL_ERROR;
}
