import { AgentError, RequestError } from "../domain/errors.js";

/** A dependency the service cannot work without. */
export type Dependency = "postgres" | "redis";

/** Network failures of a socket to Postgres or Redis (Node system error codes). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ECONNABORTED",
]);

/**
 * SQLSTATEs of a Postgres that is going away or not there yet: class 08 (connection
 * exception), 57P01–57P03 (shutdown, crash, cannot connect now), 53300 (too many connections).
 */
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

const POSTGRES_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
  "Connection terminated unexpectedly",
];
const REDIS_MESSAGES = ["Connection is closed", "enableOfflineQueue", "LOADING "];

/**
 * Which dependency an error says is unreachable, or undefined when the error is something
 * else (a bug, a constraint, a bad input). Errors are recognised by shape only (their `code`,
 * `name` and message), so any layer can ask; a wrapped cause or an AggregateError (Node's
 * happy-eyeballs connect) is looked into.
 */
export function unreachableDependency(error: unknown, depth = 0): Dependency | undefined {
  if (typeof error !== "object" || error === null || depth > 4) return undefined;
  if (AgentError.isInstance(error)) {
    // A coded error already says what it is (an LLM provider's refused socket is not ours).
    if (error.code !== "SERVICE_UNAVAILABLE") return undefined;
    return error.details?.dependency === "redis" ? "redis" : "postgres";
  }
  const { code, name, message, errors, cause } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  const text = typeof message === "string" ? message : "";
  if (name === "MaxRetriesPerRequestError" || REDIS_MESSAGES.some((m) => text.includes(m)))
    return "redis";
  if (typeof code === "string" && POSTGRES_UNAVAILABLE.test(code)) return "postgres";
  if (POSTGRES_MESSAGES.some((m) => text.includes(m))) return "postgres";
  // A refused socket without more context: the api checks Redis before using it (see
  // RunQueue.assertAvailable), so a raw one here is Postgres.
  if (typeof code === "string" && NETWORK_CODES.has(code)) return "postgres";
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = unreachableDependency(inner, depth + 1);
      if (found) return found;
    }
  }
  return cause === undefined ? undefined : unreachableDependency(cause, depth + 1);
}

/** Seconds a client should wait before trying again while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/** The 503 a request gets while `dependency` is unreachable. */
export function serviceUnavailable(dependency: Dependency, cause?: unknown): RequestError {
  return new RequestError({
    code: "SERVICE_UNAVAILABLE",
    message: `${dependency === "postgres" ? "Postgres" : "Redis"} is unreachable; try again shortly`,
    details: { dependency, retry_after_seconds: RETRY_AFTER_SECONDS },
    ...(cause === undefined ? {} : { cause }),
  });
}
