import { z } from "zod";
import type { ConfigReport } from "./config-report.js";
import { CREWAI_TASK_FIELDS } from "./crewai-fields.js";
import type { TaskConfig, TaskOutputSchema } from "./runtime-config.js";
import { isRecord, reportZodIssues, splitKnownFields } from "./zod-issues.js";

export const TASKS_FILE = "tasks.yaml";

const text = z.string().trim().min(1, "must not be empty");

// CrewAI names a Python class here (set in crew.py, or `{python: "pkg.Model"}` in crew.jsonc);
// a class cannot be loaded, so the YAML must carry the JSON Schema the class would produce.
const outputSchema = z.custom<Record<string, unknown>>(
  isRecord,
  "must be a JSON Schema (a mapping), not a Python class name: give the schema the model produces, e.g. the output of `print(json.dumps(MyModel.model_json_schema()))`",
);

const TaskFieldsSchema = z.object({
  description: text,
  expected_output: text,
  agent: text.optional(),
  context: z.array(text).optional(),
  output_json: outputSchema.optional(),
  output_pydantic: outputSchema.optional(),
  human_input: z.boolean().default(false),
  markdown: z.boolean().default(false),
});

const TASK_FIELDS: ReadonlySet<string> = new Set(Object.keys(TaskFieldsSchema.shape));

/**
 * tasks.yaml (CrewAI format): key = task name, in the order the file lists them. `agent` may
 * be missing (crew.py assigns it in most CrewAI projects); `assignTaskAgents` fills it in.
 */
export function parseTasksFile(input: {
  content: Record<string, unknown>;
  report: ConfigReport;
}): Record<string, TaskConfig> {
  const { content, report } = input;
  const tasks: Record<string, TaskConfig> = {};
  for (const [name, entry] of Object.entries(content)) {
    if (!isRecord(entry)) {
      report.problem(TASKS_FILE, name, "must be a mapping with description and expected_output");
      continue;
    }
    const { known, unknown } = splitKnownFields(entry, TASK_FIELDS);
    for (const field of Object.keys(unknown)) {
      report.unusedField({
        file: TASKS_FILE,
        owner: name,
        field,
        crewaiField: CREWAI_TASK_FIELDS.has(field),
      });
    }
    const result = TaskFieldsSchema.safeParse(known);
    if (!result.success) {
      reportZodIssues({
        error: result.error,
        raw: known,
        file: TASKS_FILE,
        prefix: [name],
        report,
      });
      continue;
    }
    const { output_json, output_pydantic, ...fields } = result.data;
    if (output_json && output_pydantic) {
      report.problem(
        TASKS_FILE,
        `${name}.output_pydantic`,
        "a task has one output schema: set output_json or output_pydantic, not both",
      );
    }
    const output: TaskOutputSchema | undefined = output_json
      ? { field: "output_json", schema: output_json }
      : output_pydantic
        ? { field: "output_pydantic", schema: output_pydantic }
        : undefined;
    tasks[name] = { name, ...fields, ...(output ? { output } : {}), extra: unknown };
  }
  return tasks;
}
