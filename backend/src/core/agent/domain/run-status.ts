export const RUN_STATUSES = [
  "queued",
  "running",
  "interrupted",
  "succeeded",
  "failed",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const SESSION_STATUSES = ["idle", "queued", "running", "interrupted", "failed"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A run in one of these statuses never changes again. */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

/** A run in one of these statuses holds its session: no second run may start. */
export function isActiveRunStatus(status: RunStatus): boolean {
  return status === "queued" || status === "running";
}
