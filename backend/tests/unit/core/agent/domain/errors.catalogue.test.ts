import { describe, expect, it } from "vitest";
import {
  AgentError,
  CancelledError,
  ERROR_CODES,
  errorFromJSON,
  httpStatusFor,
  InternalError,
  REQUEST_ERROR_CODES,
  RequestError,
  RUN_ERROR_CODES,
  runErrorCodeFor,
  runStatusFor,
  ThreadBusyError,
  ToolCallNotPendingError,
  ToolCorrelationError,
  ToolNameConflictError,
  UnknownToolError,
} from "../../../../../src/core/agent/domain/index.js";

describe("error catalogue", () => {
  it("lists exactly the contract's run error codes, in the contract's order", () => {
    expect([...RUN_ERROR_CODES]).toEqual([
      "THREAD_BUSY",
      "TOOL_CALL_NOT_PENDING",
      "TOOL_RESULTS_INCOMPLETE",
      "INTERRUPT_EXPIRED",
      "TOOL_NAME_CONFLICT",
      "LLM_PROVIDER_ERROR",
      "LLM_NOT_CONFIGURED",
      "UNSUPPORTED_CONTENT",
      "BUDGET_EXCEEDED",
      "TOOL_EXECUTION_FAILED",
      "INPUT_MISSING",
      "OUTPUT_INVALID",
      "CANCELLED",
      "CHECKPOINT_REFUSED",
      "RUN_ABANDONED",
      "INTERNAL",
    ]);
  });

  it("has no code twice across run, request and domain codes", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it("gives every code an HTTP error status", () => {
    for (const code of ERROR_CODES) {
      const status = httpStatusFor(code);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it.each([
    ["THREAD_BUSY", 409],
    ["TOOL_CALL_NOT_PENDING", 409],
    ["TOOL_RESULTS_INCOMPLETE", 409],
    ["INTERRUPT_EXPIRED", 409],
    ["TOOL_NAME_CONFLICT", 400],
    ["LLM_PROVIDER_ERROR", 502],
    ["LLM_NOT_CONFIGURED", 503],
    ["BUDGET_EXCEEDED", 429],
    ["TOOL_EXECUTION_FAILED", 500],
    ["INPUT_MISSING", 400],
    ["OUTPUT_INVALID", 502],
    ["CANCELLED", 409],
    ["INTERNAL", 500],
    ["VALIDATION_ERROR", 400],
    ["UNAUTHORIZED", 401],
    ["NOT_FOUND", 404],
    ["PAYLOAD_TOO_LARGE", 413],
    ["RUN_NOT_ACTIVE", 409],
    ["ILLEGAL_TOOL_CALL_TRANSITION", 500],
    ["SNAPSHOT_INVALID", 500],
    ["SNAPSHOT_VERSION_CONFLICT", 409],
    ["UNKNOWN_TOOL", 400],
    ["CONFIG_INVALID", 500],
  ] as const)("answers %s with HTTP %i", (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });

  it("ends a run as cancelled only for CANCELLED and as failed for every other run code", () => {
    for (const code of RUN_ERROR_CODES) {
      expect(runStatusFor(code), code).toBe(code === "CANCELLED" ? "cancelled" : "failed");
    }
  });

  it("reports run codes as themselves and every other code as INTERNAL on the stream", () => {
    for (const code of ERROR_CODES) {
      const expected = (RUN_ERROR_CODES as readonly string[]).includes(code) ? code : "INTERNAL";
      expect(runErrorCodeFor(code), code).toBe(expected);
    }
  });
});

describe("error round trip through JSON", () => {
  const sample = (code: (typeof ERROR_CODES)[number]) =>
    errorFromJSON({ code, message: `sample ${code}`, details: { tool_call_ids: ["call-1"] } });

  it("rebuilds every code as an error of the same class, code, message and details", () => {
    for (const code of ERROR_CODES) {
      const original = sample(code);
      const rebuilt = errorFromJSON(JSON.parse(JSON.stringify(original.toJSON())));
      expect(rebuilt.code, code).toBe(code);
      expect(rebuilt.constructor, code).toBe(original.constructor);
      expect(rebuilt.message, code).toBe(original.message);
      expect(rebuilt.details, code).toEqual(original.details);
      expect(rebuilt.httpStatus, code).toBe(httpStatusFor(code));
    }
  });

  it("rebuilds correlation errors as ToolCorrelationError with their tool call ids", () => {
    const original = new ToolCallNotPendingError({ toolCallIds: ["a", "b"] });
    const rebuilt = errorFromJSON(original.toJSON());
    expect(rebuilt).toBeInstanceOf(ToolCorrelationError);
    expect((rebuilt as ToolCorrelationError).toolCallIds).toEqual(["a", "b"]);
    expect(rebuilt.details).toEqual({ tool_call_ids: ["a", "b"] });
  });

  it("turns an unknown code into INTERNAL, keeping the original code in details", () => {
    const rebuilt = errorFromJSON({ code: "SOMETHING_NEW", message: "from a newer worker" });
    expect(rebuilt).toBeInstanceOf(InternalError);
    expect(rebuilt.code).toBe("INTERNAL");
    expect(rebuilt.details).toEqual({ original_code: "SOMETHING_NEW" });
  });

  it("omits details from JSON when the error has none", () => {
    expect(new ThreadBusyError({ message: "busy" }).toJSON()).toEqual({
      code: "THREAD_BUSY",
      message: "busy",
    });
  });

  it("keeps the cause it was given", () => {
    const cause = new Error("socket closed");
    expect(new CancelledError({ message: "stopped", cause }).cause).toBe(cause);
  });
});

describe("recognising errors by brand and code", () => {
  it("matches any branded error on AgentError and only its own codes on a subclass", () => {
    const busy = new ThreadBusyError({ message: "busy" });
    expect(AgentError.isInstance(busy)).toBe(true);
    expect(ThreadBusyError.isInstance(busy)).toBe(true);
    expect(CancelledError.isInstance(busy)).toBe(false);
    expect(ToolCorrelationError.isInstance(busy)).toBe(false);
  });

  it("matches the three correlation codes on ToolCorrelationError", () => {
    for (const code of ["TOOL_CALL_NOT_PENDING", "TOOL_RESULTS_INCOMPLETE", "INTERRUPT_EXPIRED"]) {
      const error = errorFromJSON({ code, message: code, details: { tool_call_ids: [] } });
      expect(ToolCorrelationError.isInstance(error), code).toBe(true);
      expect(error, code).toBeInstanceOf(ToolCorrelationError);
    }
  });

  it("matches request codes on RequestError", () => {
    for (const code of REQUEST_ERROR_CODES) {
      const error = new RequestError({ code, message: code });
      expect(RequestError.isInstance(error), code).toBe(true);
      expect(error.httpStatus, code).toBe(httpStatusFor(code));
    }
  });

  it("does not match plain errors or look-alike objects without the brand", () => {
    expect(AgentError.isInstance(new Error("THREAD_BUSY"))).toBe(false);
    expect(AgentError.isInstance({ code: "THREAD_BUSY", message: "busy" })).toBe(false);
    expect(AgentError.isInstance(null)).toBe(false);
    expect(AgentError.isInstance("THREAD_BUSY")).toBe(false);
  });

  it("names tools in the errors about them", () => {
    const unknown = new UnknownToolError({ toolName: "srv.missing" });
    expect(unknown.details).toEqual({ tool_name: "srv.missing" });
    expect(unknown.message).toContain("srv.missing");
    const conflict = new ToolNameConflictError({ toolNames: ["a", "b"] });
    expect(conflict.details).toEqual({ tool_names: ["a", "b"] });
    expect(conflict.name).toBe("ToolNameConflictError");
  });
});
