import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  type ErrorResponse,
  errorResponse,
  type FieldIssue,
  fieldDetails,
  requestError,
} from "./error-response.js";

/**
 * The one place that turns failures into `{ error: { code, message, details? } }`: the error
 * handler of the whole app, its not-found handler and Fastify's `frameworkErrors` hook.
 */
export function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const response = hasZodFastifySchemaValidationErrors(error)
    ? validationResponse(error)
    : errorResponse(error);
  if (response.retryAfterSeconds !== undefined)
    request.log.warn({ err: error }, "request refused: a dependency is unreachable");
  else if (response.status >= 500) request.log.error({ err: error }, "request failed");
  return send(reply, response);
}

export function renderNotFound(request: FastifyRequest, reply: FastifyReply) {
  return send(
    reply,
    requestError({ code: "NOT_FOUND", message: `No route ${request.method} ${pathOf(request)}` }),
  );
}

function send(reply: FastifyReply, { status, body, retryAfterSeconds }: ErrorResponse) {
  // RFC 9110 §15.5.2: a 401 names the scheme it wants.
  if (status === 401) reply.header("www-authenticate", 'Bearer realm="agent-runtime"');
  if (retryAfterSeconds !== undefined) reply.header("retry-after", String(retryAfterSeconds));
  return reply.status(status).send(body);
}

/** The path of a request, cut short: it is echoed back and may be very long. */
function pathOf(request: FastifyRequest): string {
  const path = request.url.split("?")[0] ?? "";
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

type ZodValidationError = FastifyError & {
  validation: { instancePath: string; message?: string }[];
  validationContext?: string;
};

/** Issues listed in one answer; a body with thousands of bad items needs no more to be fixed. */
const MAX_ISSUES = 20;

/** Schema failures: every issue named by its field (`body.messages.0.role`, `params.runId`). */
function validationResponse(error: ZodValidationError): ErrorResponse {
  const issues: FieldIssue[] = error.validation.slice(0, MAX_ISSUES).map((issue) => ({
    field: [
      error.validationContext ?? "body",
      ...issue.instancePath.split("/").filter(Boolean),
    ].join("."),
    message: issue.message ?? "is invalid",
  }));
  return requestError({
    code: "VALIDATION_ERROR",
    message: `Invalid request: ${issues.map((issue) => `${issue.field} ${issue.message}`).join("; ")}`,
    details: fieldDetails(issues),
  });
}
