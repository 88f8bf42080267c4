import { APICallError } from "@ai-sdk/provider";
import { RetryError } from "ai";
import { describe, expect, it } from "vitest";
import {
  CancelledError,
  LlmProviderError,
} from "../../../../../../src/core/agent/domain/errors.js";
import {
  rememberLlmErrorOrigin,
  translateLlmError,
} from "../../../../../../src/core/agent/infrastructure/llm/translate-llm-error.js";

function apiError(statusCode: number) {
  return new APICallError({
    message: "upstream said no",
    url: "http://127.0.0.1/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
  });
}

describe("translateLlmError", () => {
  it("turns an APICallError into LLM_PROVIDER_ERROR with its status, origin and cause", () => {
    const error = apiError(429);

    const translated = translateLlmError(error, { provider: "openai", model: "gpt-4o" });

    expect(translated).toBeInstanceOf(LlmProviderError);
    expect(translated).toMatchObject({
      code: "LLM_PROVIDER_ERROR",
      details: { status: 429, provider: "openai", model: "gpt-4o", retryable: true },
    });
    expect(translated.message).toContain("HTTP 429");
    expect(translated.cause).toBe(error);
  });

  it("finds the origin the metering middleware remembered", () => {
    const error = apiError(500);
    rememberLlmErrorOrigin(error, { provider: "deepseek", model: "deepseek-chat" });

    expect(translateLlmError(error)).toMatchObject({
      details: { provider: "deepseek", model: "deepseek-chat" },
    });
  });

  it("unwraps exhausted retries to the last error and counts the attempts", () => {
    const last = apiError(503);
    const retry = new RetryError({
      message: "gave up",
      reason: "maxRetriesExceeded",
      errors: [apiError(500), last],
    });

    const translated = translateLlmError(retry);

    expect(translated).toMatchObject({ details: { status: 503, attempts: 2 } });
    expect(translated.cause).toBe(last);
  });

  it("turns a timeout and a bare stream error value into LLM_PROVIDER_ERROR", () => {
    expect(
      translateLlmError(new DOMException("timeout of 10ms exceeded", "TimeoutError")),
    ).toMatchObject({
      code: "LLM_PROVIDER_ERROR",
      details: { timeout: true },
    });
    expect(translateLlmError("Rate limit reached")).toMatchObject({
      code: "LLM_PROVIDER_ERROR",
      message: "LLM provider call failed: Rate limit reached",
    });
  });

  it("leaves cancellations, our coded errors and unrelated bugs as they are", () => {
    const abort = new DOMException("aborted", "AbortError");
    const cancelled = new CancelledError({ message: "cancelled" });
    const bug = new TypeError("x is undefined");

    expect(translateLlmError(abort)).toBe(abort);
    expect(translateLlmError(cancelled)).toBe(cancelled);
    expect(translateLlmError(bug)).toBe(bug);
    expect(
      translateLlmError(new RetryError({ message: "m", reason: "abort", errors: [abort] })),
    ).toBe(abort);
  });
});
