import { describe, expect, it } from "vitest";
import { OutputInvalidError } from "../../../../../../src/core/agent/domain/errors.js";
import {
  checkStructuredAnswer,
  STRUCTURED_OUTPUT_ATTEMPTS,
} from "../../../../../../src/core/agent/infrastructure/crew/structured-output.js";
import { AjvJsonSchemaValidator } from "../../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";

const output = {
  field: "output_json" as const,
  schema: {
    type: "object",
    properties: { score: { type: "integer", minimum: 0 }, reason: { type: "string" } },
    required: ["score"],
  },
};
let counter = 0;
const check = (text: string, attempt = 1) =>
  checkStructuredAnswer({
    output,
    task: "rate_lead",
    text,
    attempt,
    validator: new AjvJsonSchemaValidator(),
    ids: () => `id-${++counter}`,
  });

describe("checkStructuredAnswer", () => {
  it("accepts a valid answer and keeps it as compact JSON", () => {
    expect(check('{ "score": 7,\n  "reason": "fits" }')).toEqual({
      type: "accepted",
      text: '{"score":7,"reason":"fits"}',
      value: { score: 7, reason: "fits" },
    });
  });

  it("accepts the JSON inside one fenced block, as models often write it", () => {
    expect(check('```json\n{"score": 3}\n```')).toMatchObject({
      type: "accepted",
      text: '{"score":3}',
    });
  });

  it("asks for a correction naming each problem when the answer breaks the schema", () => {
    const answer = check('{"score": -1, "reason": 5}');

    expect(answer.type).toBe("correct");
    if (answer.type !== "correct") return;
    expect(answer.messages.map((message) => message.role)).toEqual(["assistant", "user"]);
    expect(answer.messages[0]).toMatchObject({ content: '{"score": -1, "reason": 5}' });
    expect(answer.messages[1]?.content).toContain("score: must be >= 0");
    expect(answer.messages[1]?.content).toContain("reason: must be string");
  });

  it("asks for a correction when the answer is not JSON at all", () => {
    const answer = check("The score is seven.");

    expect(answer.type).toBe("correct");
    if (answer.type === "correct") expect(answer.messages[1]?.content).toContain("is not JSON");
  });

  it("fails with OUTPUT_INVALID on the last attempt, with the reasons in details", () => {
    let thrown: unknown;
    try {
      check('{"reason": "no score"}', STRUCTURED_OUTPUT_ATTEMPTS);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(OutputInvalidError);
    const error = thrown as OutputInvalidError;
    expect(error.code).toBe("OUTPUT_INVALID");
    expect(error.message).toContain('task "rate_lead"');
    expect(error.details).toMatchObject({
      task: "rate_lead",
      field: "output_json",
      attempts: STRUCTURED_OUTPUT_ATTEMPTS,
      issues: [{ field: "score", message: "is required" }],
    });
  });
});
