/**
 * Where a ledgered call stands when an attempt is about to run it:
 * - `new`: nobody started it; it is now recorded `started` and the handler may run;
 * - `recorded`: an attempt finished it: its result (or the error it failed with) stands;
 * - `unknown`: an attempt started it and never recorded how it ended (a crash): whether it
 *   acted is unknown. `attempts` counts the handler runs so far.
 */
export type ToolLedgerClaim =
  | { kind: "new" }
  | { kind: "recorded"; result: unknown; error?: string }
  | { kind: "unknown"; attempts: number };

/**
 * Durable memory of side-effecting tool executions, keyed `runId:toolCallId`: a call is
 * recorded before its handler runs and again with its outcome, so a retried or recovered
 * worker finds the result instead of acting twice, and can tell a call that may have acted
 * (started, outcome never recorded) from one that never ran.
 */
export interface ToolExecutionLedger {
  /** Records `started` for a key nobody has, else says what is recorded. */
  start(input: { idempotencyKey: string; toolName: string }): Promise<ToolLedgerClaim>;
  /** Starts a call of unknown outcome again (idempotent tools only): `started`, attempts + 1. */
  restart(idempotencyKey: string): Promise<void>;
  /** Records the outcome of the handler run: its result, or the error it failed with. */
  finish(input: { idempotencyKey: string; result: unknown; error?: string }): Promise<void>;
  /** Records that the outcome is unknown and the call will not run again. */
  giveUp(idempotencyKey: string): Promise<void>;
}
