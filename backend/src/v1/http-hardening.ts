import type { Server } from "node:http";
import type { FastifyHttpOptions, FastifyInstance } from "fastify";
import { answerClientError } from "./client-error-handler.js";
import { renderError, renderNotFound } from "./error-handler.js";

/** How long a client may take to send a request, and to keep an idle connection open. */
export interface HttpTimeouts {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/**
 * Longest path segment the router matches. Ids are refused above 200 characters by the
 * schemas, which name the parameter; only absurd segments stop at the router (400 too).
 */
const MAX_PARAM_LENGTH = 2000;

/**
 * Server options every listener of this service uses, so that slow or malformed clients
 * cannot hold sockets and every refusal has the documented error shape.
 *
 * Node's `requestTimeout` and `headersTimeout` bound only the time until the request is fully
 * received: a response that streams for an hour (SSE) is never cut by them. They are checked
 * every `connectionsCheckingInterval` (30 s by default, which would let a half-sent request
 * live up to 30 s past its timeout), so that interval follows the headers timeout.
 */
export function hardenedServerOptions(timeouts: HttpTimeouts) {
  return {
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    http: {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1000, Math.floor(timeouts.headersTimeoutMs / 2)),
      ),
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: answerClientError,
    frameworkErrors: renderError,
    forceCloseConnections: true,
  } satisfies FastifyHttpOptions<Server>;
}

/** Error and not-found handlers of the whole app: one shape for every 4xx and 5xx. */
export function useErrorShape(app: FastifyInstance): void {
  app.setErrorHandler(renderError);
  app.setNotFoundHandler(renderNotFound);
}
