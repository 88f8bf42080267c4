import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ERROR_CODES,
  errorFromJSON,
  httpStatusFor,
  RequestError,
} from "../../../src/core/agent/domain/errors.js";
import { clientErrorResponse } from "../../../src/v1/client-error-handler.js";
import { errorResponse } from "../../../src/v1/error-response.js";

describe("error responses", () => {
  it("renders every catalogued error with its own status and code", () => {
    for (const code of ERROR_CODES) {
      const { status, body } = errorResponse(
        errorFromJSON({ code, message: "m", details: { x: 1 } }),
      );
      expect(status, code).toBe(httpStatusFor(code));
      expect(body.error).toMatchObject({ code, message: "m" });
    }
  });

  it("turns anything unknown into INTERNAL 500 and never leaks its message", () => {
    fc.assert(
      fc.property(fc.anything(), (thrown) => {
        const candidate = thrown as { statusCode?: unknown; code?: unknown } | null;
        fc.pre(!(typeof candidate?.statusCode === "number" && candidate.statusCode < 500));
        fc.pre(!(typeof candidate?.code === "string" && candidate.code.startsWith("FST_")));
        expect(errorResponse(thrown)).toEqual({
          status: 500,
          body: { error: { code: "INTERNAL", message: "Internal error" } },
        });
      }),
    );
    expect(errorResponse(new Error("password=hunter2")).body.error.message).toBe("Internal error");
  });

  it.each([
    ["FST_ERR_CTP_INVALID_MEDIA_TYPE", 415, "UNSUPPORTED_MEDIA_TYPE", "headers.content-type"],
    ["FST_ERR_CTP_BODY_TOO_LARGE", 413, "PAYLOAD_TOO_LARGE", "body"],
    ["FST_ERR_CTP_INVALID_CONTENT_LENGTH", 400, "VALIDATION_ERROR", "headers.content-length"],
    ["FST_ERR_CTP_INVALID_JSON_BODY", 400, "VALIDATION_ERROR", "body"],
    ["FST_ERR_BAD_URL", 400, "VALIDATION_ERROR", "url"],
    ["FST_ERR_MAX_PARAM_LENGTH", 400, "VALIDATION_ERROR", "params"],
  ])("maps Fastify's %s to %i %s naming %s", (code, status, ourCode, field) => {
    const { status: answered, body } = errorResponse(
      Object.assign(new Error("x"), { code, statusCode: 499 }),
    );
    expect(answered).toBe(status);
    expect(body.error).toMatchObject({ code: ourCode, details: { field } });
  });

  it("maps another library's 4xx by its status, and a 5xx to INTERNAL", () => {
    expect(errorResponse({ statusCode: 404, message: "gone" })).toMatchObject({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: "gone" } },
    });
    expect(errorResponse({ statusCode: 418, message: "teapot" }).status).toBe(400);
    expect(errorResponse({ statusCode: 503, message: "down" }).status).toBe(500);
  });

  it("keeps a request error's details", () => {
    const error = new RequestError({
      code: "NOT_ACCEPTABLE",
      message: "m",
      details: { field: "headers.accept" },
    });
    expect(errorResponse(error)).toEqual({
      status: 406,
      body: {
        error: { code: "NOT_ACCEPTABLE", message: "m", details: { field: "headers.accept" } },
      },
    });
  });

  it.each([
    ["ERR_HTTP_REQUEST_TIMEOUT", 408, "REQUEST_TIMEOUT"],
    ["HPE_HEADER_OVERFLOW", 431, "HEADERS_TOO_LARGE"],
    ["HPE_INVALID_METHOD", 400, "VALIDATION_ERROR"],
    [undefined, 400, "VALIDATION_ERROR"],
  ])("answers Node's client error %s with %i %s", (code, status, ourCode) => {
    expect(clientErrorResponse(code)).toMatchObject({ status, body: { error: { code: ourCode } } });
  });
});
