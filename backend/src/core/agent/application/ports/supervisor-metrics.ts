/** What the run supervisor reports (Prometheus counters). */
export interface SupervisorMetrics {
  /** A run whose job or worker was lost was queued again. */
  runRecovered(reason: StrandedReason): void;
  /** A run that could not be recovered was ended with RUN_ABANDONED. */
  runAbandoned(reason: AbandonReason): void;
  /** A session whose active run had ended or was missing was released. */
  sessionReleased(): void;
}

/** Why a run was found stranded: its job is gone (`job_missing`) or failed (`job_failed`). */
export type StrandedReason = "job_missing" | "job_failed";

/** Why a stranded run was given up. */
export type AbandonReason = "max_recoveries" | "deadline" | "no_input";
