import type { z } from "zod";
import { SnapshotInvalidError } from "./errors.js";

/** `["pending_tool_calls", 0, "status"]` → `pending_tool_calls[0].status`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") {
      return `${text}[${key}]`;
    }
    const name = String(key);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return text === "" ? name : `${text}.${name}`;
    }
    return `${text}[${JSON.stringify(name)}]`;
  }, "");
}

/** A SnapshotInvalidError whose message names the first offending field; details list them all. */
export function snapshotInvalid({
  error,
  context,
}: {
  error: z.ZodError;
  context: string;
}): SnapshotInvalidError {
  const issues = error.issues.map((issue) => ({
    path: formatIssuePath(issue.path) || "(root)",
    message: issue.message,
  }));
  const first = issues[0] ?? { path: "(root)", message: "invalid" };
  return new SnapshotInvalidError({
    message: `${context}: invalid at ${first.path}: ${first.message}`,
    details: { path: first.path, issues },
  });
}
