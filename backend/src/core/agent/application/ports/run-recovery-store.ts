import type { RunJob } from "./run-job.js";

/** A run Postgres holds as `queued` or `running`, with what the supervisor decides on. */
export interface ActiveRun {
  id: string;
  sessionId: string;
  userId: string;
  kind: "run" | "resume";
  parentRunId: string | null;
  status: "queued" | "running";
  /** The admitted turn, as stored at admission (null: admitted before it was stored). */
  input: RunJob | null;
  leaseExpiresAt: Date | null;
  startedAt: Date | null;
  strandedAt: Date | null;
  recoveries: number;
  cancelRequested: boolean;
  createdAt: Date;
}

/** A session released because its `active_run_id` named a run that had ended or is missing. */
export interface ReleasedSession {
  sessionId: string;
  runId: string;
}

/** What the run supervisor and the workers' leases need of Postgres. */
export interface RunRecoveryStore {
  /**
   * True while this process is the one active supervisor of the database (a Postgres
   * advisory lock held on a connection of its own; lost with that connection).
   */
  tryLead(): Promise<boolean>;
  /** Gives the lock up (on shutdown). */
  resign(): Promise<void>;
  /** Queued and running runs accepted before `acceptedBefore`, oldest first. */
  activeRuns(input: { acceptedBefore: Date; limit: number }): Promise<ActiveRun[]>;
  /** First sighting without a job or a live worker: `stranded_at` is set (kept if set). */
  markStranded(input: { runIds: readonly string[]; now: Date }): Promise<void>;
  /** The runs have a job or a live worker again. */
  clearStranded(runIds: readonly string[]): Promise<void>;
  /** The run was queued again: `recoveries + 1`, not stranded, and an audit row. */
  recordRecovery(input: { run: ActiveRun; reason: string; now: Date }): Promise<void>;
  /** Releases every session whose active run has ended or does not exist. */
  releaseOrphanedSessions(now: Date): Promise<ReleasedSession[]>;
  /** The worker executing these runs is alive: their leases run until now + `leaseMs`. */
  renewLeases(input: { runIds: readonly string[]; leaseMs: number }): Promise<void>;
}
