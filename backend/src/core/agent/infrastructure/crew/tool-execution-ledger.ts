/**
 * Durable memory of side-effecting tool executions, keyed `runId:toolCallId`: a retried or
 * recovered worker finds the recorded result instead of acting twice.
 */
export interface ToolExecutionLedger {
  find(idempotencyKey: string): Promise<{ result: unknown } | undefined>;
  /** Records a result; a second record under the same key keeps the first and counts the attempt. */
  save(input: {
    idempotencyKey: string;
    toolName: string;
    result: unknown;
  }): Promise<{ result: unknown }>;
}
