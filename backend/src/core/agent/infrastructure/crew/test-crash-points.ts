/**
 * Places in a tool call's life where a test can make the worker die (SIGKILL, no clean-up),
 * to prove that a crash at any of them neither repeats the call nor loses its result.
 */
export type CrashPoint =
  /** An approved or direct call is about to run; nothing of it is recorded yet. */
  | "before-tool-call"
  /** The ledger says `started`; the handler has not been called. */
  | "before-tool-handler"
  /** The handler returned; its result is not in the ledger yet. */
  | "after-tool-handler"
  /** The tool message is committed; its TOOL_CALL_RESULT is not emitted yet. */
  | "after-tool-result-commit"
  /** TOOL_CALL_RESULT is emitted into the run's buffer, not yet published to the stream. */
  | "before-tool-result-publish";

/**
 * Test only: with `SOCIAL_TEST_CRASH_AT=<point>` in a worker's environment the worker kills
 * itself with SIGKILL when it reaches that point (the e2e crash tests start a fresh worker
 * without it). Ignored when `SOCIAL_ENV=production`. Never set it anywhere else.
 */
export function crashPoint(point: CrashPoint): void {
  if (process.env.SOCIAL_TEST_CRASH_AT !== point) return;
  if (process.env.SOCIAL_ENV === "production") return;
  process.kill(process.pid, "SIGKILL");
}
