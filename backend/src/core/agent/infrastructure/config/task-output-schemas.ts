import { fieldOf, type JsonSchemaValidator } from "../../domain/json-schema-validator.js";
import type { ConfigReport } from "./config-report.js";
import { TASKS_FILE } from "./parse-tasks-file.js";
import type { TaskConfig } from "./runtime-config.js";

/** A task's `output_json` / `output_pydantic` must be a JSON Schema the validator can use. */
export function checkTaskOutputSchemas(input: {
  tasks: Readonly<Record<string, TaskConfig>>;
  validator: JsonSchemaValidator;
  report: ConfigReport;
}): void {
  const { tasks, validator, report } = input;
  for (const task of Object.values(tasks)) {
    if (!task.output) continue;
    // A meta-schema says one mistake several ways (anyOf branches): one line per field.
    const seen = new Set<string>();
    for (const issue of validator.schemaProblems(task.output.schema)) {
      const field = fieldOf("", issue.pointer).replace(/^\./, "");
      if (seen.has(field)) continue;
      seen.add(field);
      const where = field ? `.${field}` : "";
      report.problem(
        TASKS_FILE,
        `${task.name}.${task.output.field}${where}`,
        `not a usable JSON Schema: ${issue.message}`,
      );
    }
  }
}
