import { describe, expect, it } from "vitest";
import { demoJsonAnswer } from "../../../../../../src/core/agent/infrastructure/llm/demo-json-answer.js";
import { DemoLanguageModel } from "../../../../../../src/core/agent/infrastructure/llm/demo-language-model.js";
import { AjvJsonSchemaValidator } from "../../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";

const validator = new AjvJsonSchemaValidator();

const SCHEMAS: Record<string, Record<string, unknown>> = {
  campaigns: {
    type: "object",
    properties: {
      campaigns: {
        type: "array",
        minItems: 2,
        items: {
          type: "object",
          properties: {
            name: { type: "string", minLength: 3 },
            score: { type: "integer", minimum: 5 },
          },
          required: ["name", "score"],
        },
      },
      approved: { type: "boolean" },
      tier: { enum: ["gold", "silver"] },
      note: { anyOf: [{ type: "string", maxLength: 10 }, { type: "null" }] },
    },
    required: ["campaigns", "tier"],
  },
  list: { type: "array", items: { type: "number", minimum: 0.5 } },
};

describe("the demo model's structured answers", () => {
  it.each(Object.keys(SCHEMAS))("are valid against the schema asked for (%s)", (name) => {
    const schema = SCHEMAS[name] ?? {};
    const value = demoJsonAnswer(schema, "Plan a launch");
    expect(validator.validate({ schema, value })).toEqual([]);
  });

  it("answer JSON text when a response format asks for it", async () => {
    const model = new DemoLanguageModel({ clock: () => new Date("2026-01-01T00:00:00Z") });
    const result = await model.doGenerate({
      prompt: [{ role: "user", content: [{ type: "text", text: "Ideas please" }] }],
      responseFormat: { type: "json", schema: SCHEMAS.campaigns },
    });
    const [part] = result.content;
    expect(part?.type).toBe("text");
    const value = JSON.parse(part?.type === "text" ? part.text : "");
    expect(validator.validate({ schema: SCHEMAS.campaigns ?? {}, value })).toEqual([]);
  });
});
