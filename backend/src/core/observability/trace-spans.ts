import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

/**
 * The few span helpers the service uses, on the OpenTelemetry API. Without a registered SDK
 * (tracing off) every call here is the API's no-op: spans do not record, nothing is exported,
 * and no context is propagated.
 */
const tracer = trace.getTracer("agent-runtime");

/** W3C trace context (`traceparent`, `tracestate`) as carried in a queued job. */
export type TraceCarrier = Record<string, string>;

/** The active trace context, for a job to carry; undefined when there is none (tracing off). */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent === undefined ? undefined : carrier;
}

/** The context a carrier (a job's, an incoming request's headers) continues. */
export function contextFromCarrier(carrier: Record<string, unknown> | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/**
 * Runs `work` inside a new span (a child of `parent`, else of the active span), which is
 * active for everything `work` awaits; the span ends when `work` settles, with status ERROR
 * and the error's code when it throws.
 */
export async function inSpan<T>(
  name: string,
  options: { attributes?: Attributes; kind?: SpanKind; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Starts a span under the active one that the caller ends (for work spread over callbacks). */
export function startSpan(
  name: string,
  options: { attributes?: Attributes; kind?: SpanKind },
): Span {
  return tracer.startSpan(name, {
    kind: options.kind ?? SpanKind.INTERNAL,
    ...(options.attributes ? { attributes: options.attributes } : {}),
  });
}

/** Status ERROR, `error.type` (our error code when there is one) and the exception event. */
export function markFailed(span: Span, error: unknown, message?: string): void {
  if (!span.isRecording()) return;
  const code =
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string"
      ? (error as { code: string }).code
      : error instanceof Error
        ? error.name
        : "error";
  span.setAttribute("error.type", code);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: message ?? (error instanceof Error ? error.message : String(error)),
  });
}

/** Names the active span (e.g. the run span, once the workflow is known). */
export function annotateActiveSpan(input: { name?: string; attributes: Attributes }): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  if (input.name) span.updateName(input.name);
  span.setAttributes(input.attributes);
}

export { SpanKind, SpanStatusCode };
