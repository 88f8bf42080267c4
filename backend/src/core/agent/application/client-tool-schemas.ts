import { RequestError } from "../domain/errors.js";
import { fieldOf, type JsonSchemaValidator } from "../domain/json-schema-validator.js";
import type { ClientToolInput } from "./ports/run-job.js";

/**
 * The tools a client declares must carry usable JSON Schemas: each call the model makes is
 * checked against its tool's schema before it reaches the client, so a schema that cannot be
 * used is refused at admission (400 VALIDATION_ERROR naming the tool and the field).
 */
export function assertClientToolSchemas({
  tools,
  validator,
}: {
  tools: readonly ClientToolInput[];
  validator: JsonSchemaValidator;
}): void {
  tools.forEach((tool, index) => {
    if (tool.parameters === undefined) return;
    const issues = validator.schemaProblems(tool.parameters);
    if (issues.length === 0) return;
    const field = `body.tools[${index}].parameters`;
    const named = issues.map((issue) => ({
      field: fieldOf(field, issue.pointer),
      message: issue.message,
    }));
    throw new RequestError({
      code: "VALIDATION_ERROR",
      message: `Tool ${tool.name} (body.tools[${index}]) has parameters that are not a usable JSON Schema: ${named
        .map((issue) => `${issue.field} ${issue.message}`)
        .join("; ")}`,
      details: { tool_name: tool.name, field, issues: named },
    });
  });
}
