import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { JsonSchemaIssue, JsonSchemaValidator } from "../../domain/json-schema-validator.js";

/** Distinct schema texts kept compiled (client tool schemas arrive with every run). */
const MAX_COMPILED_SCHEMAS = 1000;

/**
 * JSON-Schema validation with Ajv: every error reported (not only the first), formats such as
 * `date-time` checked, unknown keywords tolerated (schemas come from YAML written for LLMs).
 * Each schema is compiled once: validators are cached per schema object and per schema text
 * (least recently used text dropped beyond MAX_COMPILED_SCHEMAS, also from Ajv's own cache).
 * `addUsedSchema: false`: a schema's `$id` is never registered on the shared instance, so a
 * client's schema cannot claim an id another schema uses.
 */
export class AjvJsonSchemaValidator implements JsonSchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, addUsedSchema: false });
  private readonly bySchema = new WeakMap<object, ValidateFunction>();
  private readonly byText = new Map<string, { check: ValidateFunction; schema: object }>();

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
    let check: ValidateFunction;
    try {
      check = this.compiled(schema);
    } catch (error) {
      // A schema Ajv cannot compile accepts nothing: refusing is the safe side.
      return [{ pointer: "", message: `cannot be checked: ${messageOf(error)}` }];
    }
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
    if (this.ajv.validateSchema(schema) !== true) {
      return (this.ajv.errors ?? []).map((error) => ({
        pointer: error.instancePath,
        message: error.message ?? "is invalid",
      }));
    }
    // Valid against the meta-schema yet not compilable (an unresolvable `$ref`, a bad regex).
    try {
      this.compiled(schema as Record<string, unknown>);
      return [];
    } catch (error) {
      return [{ pointer: "", message: messageOf(error) }];
    }
  }

  private compiled(schema: Record<string, unknown>): ValidateFunction {
    const cached = this.bySchema.get(schema);
    if (cached) return cached;
    const text = JSON.stringify(schema);
    let entry = this.byText.get(text);
    if (entry) {
      this.byText.delete(text);
    } else {
      entry = { check: this.ajv.compile(schema), schema };
      this.evictBeyondLimit();
    }
    this.byText.set(text, entry);
    this.bySchema.set(schema, entry.check);
    return entry.check;
  }

  private evictBeyondLimit(): void {
    while (this.byText.size >= MAX_COMPILED_SCHEMAS) {
      const [oldestText, oldest] = this.byText.entries().next().value ?? [];
      if (oldestText === undefined || oldest === undefined) return;
      this.byText.delete(oldestText);
      this.ajv.removeSchema(oldest.schema);
    }
  }
}

function messageFor(keyword: string, fallback: string | undefined): string {
  if (keyword === "required") return "is required";
  if (keyword === "additionalProperties") return "is not allowed";
  return fallback ?? "is invalid";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
