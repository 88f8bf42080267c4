import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from "@opentelemetry/semantic-conventions";
import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { contextFromCarrier } from "./trace-spans.js";

const tracer = trace.getTracer("agent-runtime");

/** Only the API is traced; probes and /metrics would be noise. */
const TRACED_PREFIX = "/api/";

/**
 * One SERVER span per API request (`POST /api/v1/agent/runs`…), continuing the caller's W3C
 * `traceparent` when it sends one, and active while the route handler runs, so what the
 * handler enqueues carries it (the run's trace continues on the worker). Registered only when
 * tracing is on: with tracing off the api has no hook at all. Must be registered before the
 * routes (it wraps handlers as they are added).
 */
export function registerApiTracing(app: FastifyInstance): void {
  const spans = new WeakMap<FastifyRequest, Span>();

  app.addHook("onRoute", (route: RouteOptions) => {
    const url = route.url ?? "";
    if (!url.startsWith(TRACED_PREFIX)) return;
    const handler = route.handler;
    route.handler = function tracedHandler(this: unknown, request, reply) {
      const span = spans.get(request);
      if (!span) return handler.call(this as never, request, reply);
      return context.with(trace.setSpan(context.active(), span), () =>
        handler.call(this as never, request, reply),
      );
    };
  });

  app.addHook("onRequest", (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route?.startsWith(TRACED_PREFIX)) {
      const parent = contextFromCarrier(request.headers);
      spans.set(
        request,
        tracer.startSpan(
          `${request.method} ${route}`,
          {
            kind: SpanKind.SERVER,
            attributes: {
              [ATTR_HTTP_REQUEST_METHOD]: request.method,
              [ATTR_HTTP_ROUTE]: route,
              [ATTR_URL_PATH]: request.url.split("?")[0] ?? request.url,
            },
          },
          parent,
        ),
      );
    }
    done();
  });

  app.addHook("onError", (request, _reply, error, done) => {
    const span = spans.get(request);
    if (span?.isRecording()) {
      const code = (error as { code?: unknown }).code;
      span.setAttribute("error.type", typeof code === "string" ? code : error.name);
    }
    done();
  });

  app.addHook("onResponse", (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      spans.delete(request);
    }
    done();
  });
}
