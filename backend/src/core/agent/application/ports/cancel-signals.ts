/** Cooperative cancel: the api raises it, the worker running the run hears it at once. */
export interface CancelSignals {
  raise(runId: string): Promise<void>;
  /** An AbortSignal that fires when `raise(runId)` is called anywhere; `stop()` unsubscribes. */
  watch(runId: string): { signal: AbortSignal; stop(): void };
}
