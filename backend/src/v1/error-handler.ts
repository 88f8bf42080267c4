import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AgentError } from "../core/agent/domain/errors.js";

/** One place that turns failures into `{ error: { code, message, details? } }`. */
export function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (AgentError.isInstance(error)) {
    if (error.httpStatus >= 500) request.log.error({ err: error }, error.message);
    return reply.status(error.httpStatus).send({ error: error.toJSON() });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      field: `${error.validationContext ?? "body"}${issue.instancePath.replaceAll("/", ".")}`,
      message: issue.message ?? "is invalid",
    }));
    return reply.status(400).send({
      error: {
        code: "VALIDATION_ERROR",
        message: `Invalid request: ${issues.map((issue) => `${issue.field} ${issue.message}`).join("; ")}`,
        details: { issues },
      },
    });
  }
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return reply
      .status(413)
      .send({ error: { code: "PAYLOAD_TOO_LARGE", message: "Request body is too large" } });
  }
  const status = error.statusCode ?? 500;
  if (status < 500) {
    return reply
      .status(status)
      .send({ error: { code: "VALIDATION_ERROR", message: error.message } });
  }
  request.log.error({ err: error }, "unhandled error");
  return reply.status(500).send({ error: { code: "INTERNAL", message: "Internal error" } });
}
