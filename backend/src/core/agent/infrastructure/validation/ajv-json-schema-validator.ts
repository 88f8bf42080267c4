import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { JsonSchemaIssue, JsonSchemaValidator } from "../../domain/json-schema-validator.js";

/**
 * JSON-Schema validation with Ajv: every error reported (not only the first), formats such as
 * `date-time` checked, unknown keywords tolerated (schemas come from YAML written for LLMs).
 * Compiled validators are cached per schema object and per schema text.
 */
export class AjvJsonSchemaValidator implements JsonSchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly bySchema = new WeakMap<object, ValidateFunction>();
  private readonly byText = new Map<string, ValidateFunction>();

  constructor() {
    addFormats.default(this.ajv);
  }

  validate({
    schema,
    value,
  }: {
    schema: Record<string, unknown>;
    value: unknown;
  }): JsonSchemaIssue[] {
    const check = this.compiled(schema);
    if (check(value)) return [];
    return (check.errors ?? []).map((error) => {
      const missing =
        error.keyword === "required"
          ? (error.params as { missingProperty?: string }).missingProperty
          : undefined;
      const additional =
        error.keyword === "additionalProperties"
          ? (error.params as { additionalProperty?: string }).additionalProperty
          : undefined;
      const child = missing ?? additional;
      return {
        pointer: child === undefined ? error.instancePath : `${error.instancePath}/${child}`,
        message:
          child === undefined
            ? (error.message ?? "is invalid")
            : messageFor(error.keyword, error.message),
      };
    });
  }

  schemaProblems(schema: unknown): JsonSchemaIssue[] {
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      return [{ pointer: "", message: "must be a JSON Schema object" }];
    }
    if (this.ajv.validateSchema(schema) === true) return [];
    return (this.ajv.errors ?? []).map((error) => ({
      pointer: error.instancePath,
      message: error.message ?? "is invalid",
    }));
  }

  private compiled(schema: Record<string, unknown>): ValidateFunction {
    const cached = this.bySchema.get(schema);
    if (cached) return cached;
    const text = JSON.stringify(schema);
    const compiled = this.byText.get(text) ?? this.ajv.compile(schema);
    this.byText.set(text, compiled);
    this.bySchema.set(schema, compiled);
    return compiled;
  }
}

function messageFor(keyword: string, fallback: string | undefined): string {
  if (keyword === "required") return "is required";
  if (keyword === "additionalProperties") return "is not allowed";
  return fallback ?? "is invalid";
}
