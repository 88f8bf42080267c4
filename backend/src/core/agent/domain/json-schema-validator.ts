/** One way a value fails a JSON Schema: where (a JSON Pointer into the value) and why. */
export interface JsonSchemaIssue {
  /** JSON Pointer of the offending value, `""` for the value itself (e.g. `/chosen_time`). */
  pointer: string;
  message: string;
}

/**
 * Checks values against JSON Schemas (draft 2020-12 / draft-07 keywords). Pure port: the Ajv
 * adapter lives in `infrastructure/validation`. An empty list means the value is valid.
 */
export interface JsonSchemaValidator {
  validate(input: { schema: Record<string, unknown>; value: unknown }): JsonSchemaIssue[];
  /** What makes `schema` unusable as a JSON Schema (empty when it can be used). */
  schemaProblems(schema: unknown): JsonSchemaIssue[];
}

/** `body.resume[0].payload` + `/chosen_time` → `body.resume[0].payload.chosen_time`. */
export function fieldOf(prefix: string, pointer: string): string {
  if (pointer === "") return prefix;
  const segments = pointer
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  return segments.reduce(
    (field, segment) => (/^\d+$/.test(segment) ? `${field}[${segment}]` : `${field}.${segment}`),
    prefix,
  );
}
