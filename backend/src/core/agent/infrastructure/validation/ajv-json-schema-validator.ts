import { Ajv, type ErrorObject, type Options, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import {
  type CompiledJsonSchema,
  type JsonSchema,
  JsonSchemaCompileError,
  type JsonSchemaIssue,
  type JsonSchemaValidator,
} from "../../domain/json-schema-validator.js";

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the
// module object in the types but the function at run time.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv) => Ajv;

const OPTIONS: Options = {
  // Schemas written for LLMs carry keywords Ajv does not know (OpenAPI's `nullable`, `x-*`):
  // ignored, not errors.
  strict: false,
  allErrors: true,
  allowUnionTypes: true,
  useDefaults: false,
  coerceTypes: false,
  logger: false,
};

const MAX_ISSUES = 20;

/**
 * JSON Schema validation with Ajv (draft-07 keywords, formats checked). Each schema object is
 * compiled once; Ajv's registry is emptied after each compile so `$id`s never clash.
 */
export class AjvJsonSchemaValidator implements JsonSchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new WeakMap<object, CompiledJsonSchema>();

  constructor() {
    this.ajv = new Ajv(OPTIONS);
    addFormats(this.ajv);
  }

  schemaProblems(schema: unknown): readonly JsonSchemaIssue[] {
    if (typeof schema === "boolean") return [];
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      return [{ field: "", pointer: "", message: "must be a JSON Schema object" }];
    }
    if (this.ajv.validateSchema(schema) === true) return [];
    return issuesFrom(this.ajv.errors ?? []);
  }

  compile(schema: JsonSchema): CompiledJsonSchema {
    if (typeof schema === "boolean") {
      return { check: (value) => (schema ? { valid: true } : refuseAll(value)) };
    }
    const cached = this.compiled.get(schema);
    if (cached) return cached;
    const problems = this.schemaProblems(schema);
    if (problems.length > 0) throw new JsonSchemaCompileError(problems);
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(schema);
    } catch (error) {
      throw new JsonSchemaCompileError([
        { field: "", pointer: "", message: error instanceof Error ? error.message : String(error) },
      ]);
    } finally {
      this.ajv.removeSchema(schema);
    }
    const compiled: CompiledJsonSchema = {
      check: (value) =>
        validate(value)
          ? { valid: true }
          : { valid: false, issues: issuesFrom(validate.errors ?? []) },
    };
    this.compiled.set(schema, compiled);
    return compiled;
  }
}

function refuseAll(_value: unknown): { valid: false; issues: JsonSchemaIssue[] } {
  return {
    valid: false,
    issues: [{ field: "", pointer: "", message: "is refused by the schema `false`" }],
  };
}

function issuesFrom(errors: readonly ErrorObject[]): JsonSchemaIssue[] {
  return errors.slice(0, MAX_ISSUES).map((error) => {
    const params = error.params as { missingProperty?: string; additionalProperty?: string };
    const child =
      error.keyword === "required"
        ? params.missingProperty
        : error.keyword === "additionalProperties"
          ? params.additionalProperty
          : undefined;
    const pointer = child === undefined ? error.instancePath : `${error.instancePath}/${child}`;
    const message =
      error.keyword === "required"
        ? "is required"
        : error.keyword === "additionalProperties"
          ? "is not allowed"
          : (error.message ?? "is invalid");
    return { field: fieldOf(pointer), pointer, message };
  });
}

/** `/items/2/name` → `items[2].name`. */
function fieldOf(pointer: string): string {
  if (pointer === "") return "";
  return pointer
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce(
      (field, segment) =>
        /^\d+$/.test(segment)
          ? `${field}[${segment}]`
          : field === ""
            ? segment
            : `${field}.${segment}`,
      "",
    );
}
