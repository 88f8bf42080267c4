import { expect } from "vitest";
import { z } from "zod";
import { ERROR_CODES, httpStatusFor } from "../../src/core/agent/domain/errors.js";

/** The documented error body: `{ error: { code, message, details? } }` and nothing else. */
const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string().min(1),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * Asserts an answer is a documented error: JSON in the error shape, a catalogued code, and the
 * status that code has. Returns the parsed body.
 */
export function expectErrorShape(
  response: { statusCode: number; body: string; headers: Record<string, unknown> },
  expected: { status?: number; code?: string; field?: string } = {},
): ErrorBody {
  expect(String(response.headers["content-type"])).toMatch(/^application\/json/);
  const body = ErrorBodySchema.parse(JSON.parse(response.body));
  expect(response.statusCode, response.body).toBe(httpStatusFor(body.error.code));
  if (expected.status !== undefined)
    expect(response.statusCode, response.body).toBe(expected.status);
  if (expected.code !== undefined) expect(body.error.code, response.body).toBe(expected.code);
  if (expected.field !== undefined)
    expect(body.error.details?.field, response.body).toBe(expected.field);
  return body;
}
