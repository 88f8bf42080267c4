import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Settings } from "../config/settings.js";

export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly enabled: boolean;
  /** Exports what is buffered and stops (on process shutdown). */
  shutdown(): Promise<void>;
}

const DISABLED: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * Registers the OpenTelemetry SDK for this process when `telemetry.traces_endpoint` is set:
 * spans are batched and sent by OTLP over HTTP (JSON) to that URL, with the configured headers.
 * Otherwise nothing is registered and every span the code starts is the OpenTelemetry API's
 * no-op (no recording, no export, no context manager). The W3C `traceparent` propagator and
 * the AsyncLocalStorage context manager come with `register()`.
 */
export function startTracing({
  settings,
  role,
}: {
  settings: Pick<Settings, "telemetry">;
  role: string;
}): Tracing {
  const { telemetry } = settings;
  if (!telemetry.traces_endpoint) return DISABLED;
  const exporter = new OTLPTraceExporter({
    url: telemetry.traces_endpoint,
    headers: parseExportHeaders(telemetry.headers),
  });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: telemetry.service_name,
      "agent_runtime.role": role,
    }),
    // A run's spans follow the decision made for its api request (carried in the job).
    sampler: new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(telemetry.sample_ratio),
    }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, { scheduledDelayMillis: telemetry.export_delay_ms }),
    ],
  });
  provider.register();
  return { enabled: true, shutdown: () => provider.shutdown() };
}

/**
 * `key=value,key2=value2` (values URL-decoded), the format of OTEL_EXPORTER_OTLP_HEADERS.
 * Throws on a pair without `=`, so a mistyped secret fails at start-up, not at export.
 */
export function parseExportHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!text) return headers;
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const separator = pair.indexOf("=");
    if (separator <= 0) {
      throw new Error("SOCIAL_TELEMETRY__HEADERS: expected key=value pairs separated by commas");
    }
    headers[pair.slice(0, separator).trim()] = decodeURIComponent(pair.slice(separator + 1).trim());
  }
  return headers;
}
