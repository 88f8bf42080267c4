import type {
  LanguageModelV3ToolApprovalResponsePart,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3ToolResultPart,
} from "@ai-sdk/provider";

const MAX_SUMMARY_CHARACTERS = 200;
const REFUSED_STATUSES: ReadonlySet<string> = new Set([
  "rejected",
  "denied",
  "expired",
  "cancelled",
]);

/**
 * The demo model's answer after tool results: `Done: <content>` for a result,
 * `The action was not performed: <reason>` for a refusal (a denied execution, or a JSON
 * result — as text or JSON — such as `{ "status": "rejected" | "expired", "reason": … }`,
 * `{ "rejected": true }`, `{ "approved": false }` or `{ "error": … }`), `The tool failed:
 * <message>` for an error result.
 */
export function summariseToolResults(
  parts: readonly (LanguageModelV3ToolResultPart | LanguageModelV3ToolApprovalResponsePart)[],
): string {
  const lines: string[] = [];
  for (const part of parts) {
    if (part.type === "tool-result") lines.push(summariseOutput(part.output));
    else if (!part.approved) lines.push(notPerformed(part.reason));
  }
  return lines.length === 0 ? "Done." : lines.join(" ");
}

function summariseOutput(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case "execution-denied":
      return notPerformed(output.reason);
    case "error-text":
      return `The tool failed: ${clip(output.value)}`;
    case "error-json":
      return `The tool failed: ${clip(stringify(output.value))}`;
    case "json":
      return summariseValue(output.value);
    case "text":
      return summariseValue(parseJson(output.value) ?? output.value);
    case "content":
      return `Done: ${clip(
        output.value.map((part) => (part.type === "text" ? part.text : "")).join(" "),
      )}`;
    default:
      return "Done.";
  }
}

function summariseValue(value: unknown): string {
  const refusal = refusalReason(value);
  if (refusal !== undefined) return notPerformed(refusal);
  return `Done: ${clip(typeof value === "string" ? value : stringify(value))}`;
}

/** The reason when the value is a refusal result, else undefined. */
function refusalReason(value: unknown): string | null | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const status = typeof record.status === "string" ? record.status.toLowerCase() : undefined;
  const refused =
    record.rejected === true ||
    record.approved === false ||
    (status !== undefined && REFUSED_STATUSES.has(status)) ||
    typeof record.error === "string";
  if (!refused) return undefined;
  const reason = record.reason ?? record.message ?? record.error;
  return typeof reason === "string" ? reason : null;
}

function notPerformed(reason: string | null | undefined): string {
  return `The action was not performed: ${reason ? clip(reason) : "it was rejected"}`;
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function clip(text: string): string {
  return text.length <= MAX_SUMMARY_CHARACTERS
    ? text
    : `${text.slice(0, MAX_SUMMARY_CHARACTERS - 1)}…`;
}
