/**
 * Stand-in tool results a client writes for a call it never ran. CopilotKit's runtime
 * (`finalizeRunEvents`) appends one for every tool call without a result when a stream ends
 * without a terminal event (`{"status":"error","reason":"missing_terminal_event",…}`) or when
 * the user stops the run (`{"status":"stopped","reason":"stop_requested",…}`), and sends it
 * back as a `role: "tool"` message on the next turn. It says the tool did not run; it is never
 * the tool's result.
 */
const STAND_IN_REASONS: Readonly<Record<string, string>> = {
  missing_terminal_event: "error",
  stop_requested: "stopped",
};

/** The stand-in's reason (`missing_terminal_event`, `stop_requested`), or undefined for a real result. */
export function clientStandInReason(content: string): string | undefined {
  if (!content.includes('"reason"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { status, reason } = parsed as { status?: unknown; reason?: unknown };
  if (typeof reason !== "string" || typeof status !== "string") return undefined;
  return STAND_IN_REASONS[reason] === status ? reason : undefined;
}

/** What the call's stored reason says when a stand-in cancels it. */
export function standInCancellationReason(standIn: string): string {
  return `the client could not run the tool (${standIn})`;
}
