import type { z } from "zod";
import type { ConfigReport } from "./config-report.js";
import { formatKeyPath, type KeySegment } from "./key-path.js";

/** Reports each zod issue under `file` and `prefix` + the issue's path. */
export function reportZodIssues(input: {
  error: z.ZodError;
  raw: unknown;
  file: string;
  prefix: readonly KeySegment[];
  report: ConfigReport;
}): void {
  const { error, raw, file, prefix, report } = input;
  for (const issue of error.issues) {
    const path = issue.path.map((segment) =>
      typeof segment === "number" ? segment : String(segment),
    );
    const missing =
      (issue.code === "invalid_type" || issue.code === "invalid_union") &&
      valueAt(raw, path) === undefined;
    report.problem(
      file,
      formatKeyPath([...prefix, ...path]),
      missing ? "required field is missing" : issue.message,
    );
  }
}

function valueAt(root: unknown, path: readonly KeySegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<KeySegment, unknown>)[segment];
  }
  return node;
}

/** Splits an entry into the fields a schema knows and the rest; `null` counts as absent. */
export function splitKnownFields(
  entry: Record<string, unknown>,
  known: ReadonlySet<string>,
): { known: Record<string, unknown>; unknown: Record<string, unknown> } {
  const knownFields: Record<string, unknown> = {};
  const unknownFields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(entry)) {
    if (known.has(field)) {
      if (value !== null) knownFields[field] = value;
    } else unknownFields[field] = value;
  }
  return { known: knownFields, unknown: unknownFields };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
