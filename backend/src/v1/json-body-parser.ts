import type { FastifyInstance, FastifyRequest } from "fastify";
import { RequestError } from "../core/agent/domain/errors.js";
import { fieldDetails } from "./error-response.js";
import { findJsonBodyProblem, type JsonBodyProblem } from "./json-body-inspection.js";
import { printable } from "./storable-text.js";

type Done = (error: Error | null, body?: unknown) => void;

/**
 * Makes `application/json` the only body type the app takes (other types get 415) and checks
 * every body before validation sees it: Fastify's own secure parser refuses prototype
 * poisoning, then one walk refuses deep nesting and text Postgres cannot store. Each
 * refusal is a 400 naming the field. An empty body is no body (`POST /cancel` with a
 * JSON content type and nothing in it is fine).
 */
export function useJsonBodies(app: FastifyInstance, { maxDepth }: { maxDepth: number }): void {
  const secureParse = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string" },
    (request: FastifyRequest, text: string | Buffer, done: Done) => {
      const body = typeof text === "string" ? text : text.toString("utf8");
      if (body.length === 0) return done(null, undefined);
      secureParse(request, body, (error: Error | null, value?: unknown) => {
        const problem = error
          ? parseFailure(body, maxDepth)
          : findJsonBodyProblem(value, { maxDepth });
        if (problem) return done(refusal(problem));
        done(null, value);
      });
    },
  );
}

/**
 * Why the secure parser refused `text`: a syntax error (V8's message gives the position), or
 * else a poisoned key, which a plain parse exposes as an own property for the walk to name.
 */
function parseFailure(text: string, maxDepth: number): JsonBodyProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      field: "body",
      // V8 quotes a piece of the input: keep it short and printable.
      message: `is not valid JSON (${printable((error as Error).message.slice(0, 200))})`,
    };
  }
  return (
    findJsonBodyProblem(value, { maxDepth }) ?? { field: "body", message: "is not valid JSON" }
  );
}

function refusal({ field, message }: JsonBodyProblem): RequestError {
  return new RequestError({
    code: "VALIDATION_ERROR",
    message: `Invalid request: ${field} ${message}`,
    details: fieldDetails([{ field, message }]),
  });
}
