/**
 * JSON Schema validation as the domain sees it (types only; the Ajv implementation lives in
 * `infrastructure/validation/ajv-json-schema-validator.ts`). Shared by tool arguments,
 * interrupt payloads and task outputs (`output_json`).
 */

/** A JSON Schema document: an object, or a boolean schema (`true` accepts all, `false` none). */
export type JsonSchema = Readonly<Record<string, unknown>> | boolean;

/** One reason a value (or a schema) was refused. */
export interface JsonSchemaIssue {
  /** The offending field as people write it (`items[2].name`); "" for the value itself. */
  field: string;
  /** JSON Pointer to the offending part of the value (RFC 6901); "" for the root. */
  pointer: string;
  /** What is wrong, without the field: "must be string", "is required". */
  message: string;
}

export type JsonSchemaCheck =
  | { valid: true }
  | { valid: false; issues: readonly JsonSchemaIssue[] };

/** A schema compiled once; checking a value is then cheap and never throws. */
export interface CompiledJsonSchema {
  check(value: unknown): JsonSchemaCheck;
}

export interface JsonSchemaValidator {
  /** What makes `schema` unusable (not an object or boolean, invalid against its meta-schema). */
  schemaProblems(schema: unknown): readonly JsonSchemaIssue[];
  /** Compiles `schema` once per schema object; throws `JsonSchemaCompileError` if unusable. */
  compile(schema: JsonSchema): CompiledJsonSchema;
}

/** A schema that `JsonSchemaValidator.compile` could not use; `issues` say why. */
export class JsonSchemaCompileError extends Error {
  constructor(readonly issues: readonly JsonSchemaIssue[]) {
    super(`Not a usable JSON Schema: ${issues.map((issue) => issue.message).join("; ")}`);
    this.name = "JsonSchemaCompileError";
  }
}
