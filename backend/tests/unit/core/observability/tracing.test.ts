import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { SettingsSchema } from "../../../../src/core/config/settings.js";
import { currentTraceCarrier, inSpan } from "../../../../src/core/observability/trace-spans.js";
import { parseExportHeaders, startTracing } from "../../../../src/core/observability/tracing.js";

describe("parseExportHeaders (OTEL_EXPORTER_OTLP_HEADERS format)", () => {
  it("reads comma-separated key=value pairs and URL-decodes the values", () => {
    expect(
      parseExportHeaders("Authorization=Basic%20cGs6c2s=,x-langfuse-ingestion-version=4"),
    ).toEqual({ Authorization: "Basic cGs6c2s=", "x-langfuse-ingestion-version": "4" });
    expect(parseExportHeaders(undefined)).toEqual({});
  });

  it("refuses a pair without a key or an = sign", () => {
    expect(() => parseExportHeaders("Authorization")).toThrow(/key=value/);
    expect(() => parseExportHeaders("=x")).toThrow(/key=value/);
  });
});

describe("tracing off (no endpoint)", () => {
  it("registers nothing: spans do not record and no context is carried", async () => {
    const tracing = startTracing({ settings: SettingsSchema.parse({}), role: "test" });
    expect(tracing.enabled).toBe(false);
    await inSpan("probe", {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(currentTraceCarrier()).toBeUndefined();
      expect(trace.getActiveSpan()?.isRecording() ?? false).toBe(false);
    });
    await tracing.shutdown();
  });
});
