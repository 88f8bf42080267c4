import { z } from "zod";
import type { ConfigReport } from "./config-report.js";
import { CREWAI_TASK_FIELDS } from "./crewai-fields.js";
import type { TaskConfig } from "./runtime-config.js";
import { isRecord, reportZodIssues, splitKnownFields } from "./zod-issues.js";

export const TASKS_FILE = "tasks.yaml";

const text = z.string().trim().min(1, "must not be empty");

const TaskFieldsSchema = z.object({
  description: text,
  expected_output: text,
  agent: text,
  context: z.array(text).default([]),
});

const TASK_FIELDS: ReadonlySet<string> = new Set(Object.keys(TaskFieldsSchema.shape));

/** tasks.yaml (CrewAI format): key = task name, in the order the file lists them. */
export function parseTasksFile(input: {
  content: Record<string, unknown>;
  report: ConfigReport;
}): Record<string, TaskConfig> {
  const { content, report } = input;
  const tasks: Record<string, TaskConfig> = {};
  for (const [name, entry] of Object.entries(content)) {
    if (!isRecord(entry)) {
      report.problem(
        TASKS_FILE,
        name,
        "must be a mapping with description, expected_output, agent",
      );
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
    tasks[name] = { name, ...result.data, extra: unknown };
  }
  return tasks;
}
