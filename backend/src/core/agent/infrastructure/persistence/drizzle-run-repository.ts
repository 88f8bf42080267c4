import { and, eq, isNull, sql } from "drizzle-orm";
import { runs } from "../../../../models/index.js";
import type { RunStatus } from "../../domain/run-status.js";
import type { Database, Executor } from "./database.js";

export type RunRow = typeof runs.$inferSelect;
export type RunKind = "run" | "resume";

export interface NewRun {
  id: string;
  /** @defaultValue id */
  clientRunId?: string;
  sessionId: string;
  /** @defaultValue sessionId */
  threadId?: string;
  userId: string;
  kind: RunKind;
  parentRunId?: string | null;
  workflow: string;
  idempotencyKey?: string | null;
  now: Date;
}

/** Runs: one row per AG-UI run or resume, with status, timings and usage totals. */
export class DrizzleRunRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the run; a replay of the same id returns the stored row with `created: false`. */
  async create(
    run: NewRun,
    executor: Executor = this.db,
  ): Promise<{ run: RunRow; created: boolean }> {
    const [inserted] = await executor
      .insert(runs)
      .values({
        id: run.id,
        clientRunId: run.clientRunId ?? run.id,
        sessionId: run.sessionId,
        threadId: run.threadId ?? run.sessionId,
        userId: run.userId,
        kind: run.kind,
        parentRunId: run.parentRunId ?? null,
        workflow: run.workflow,
        idempotencyKey: run.idempotencyKey ?? null,
        createdAt: run.now,
      })
      .onConflictDoNothing({ target: runs.id })
      .returning();
    if (inserted) return { run: inserted, created: true };
    const existing = await this.findById(run.id, executor);
    if (!existing) throw new Error(`run ${run.id} vanished between insert and read`);
    return { run: existing, created: false };
  }

  async findById(id: string, executor: Executor = this.db): Promise<RunRow | undefined> {
    const [row] = await executor.select().from(runs).where(eq(runs.id, id));
    return row;
  }

  /**
   * The user's run named `clientRunId` (another user's run of that name is not it; a run a
   * later turn superseded is not it either).
   */
  async findForUser(
    { clientRunId, userId }: { clientRunId: string; userId: string },
    executor: Executor = this.db,
  ): Promise<RunRow | undefined> {
    const [row] = await executor
      .select()
      .from(runs)
      .where(
        and(eq(runs.userId, userId), eq(runs.clientRunId, clientRunId), isNull(runs.supersededAt)),
      );
    return row;
  }

  /** Marks a pick-up by a worker; `attempts` counts pick-ups, so a retried job shows 2+. */
  async markRunning({ id, now }: { id: string; now: Date }, executor: Executor = this.db) {
    await executor
      .update(runs)
      .set({
        status: "running",
        attempts: sql`${runs.attempts} + 1`,
        startedAt: sql`coalesce(${runs.startedAt}, ${now})`,
      })
      .where(eq(runs.id, id));
  }

  async finish(
    {
      id,
      status,
      errorCode = null,
      errorMessage = null,
      now,
    }: {
      id: string;
      status: RunStatus;
      errorCode?: string | null;
      errorMessage?: string | null;
      now: Date;
    },
    executor: Executor = this.db,
  ): Promise<void> {
    await executor
      .update(runs)
      .set({ status, errorCode, errorMessage, finishedAt: now })
      .where(eq(runs.id, id));
  }

  /** Records a cancel request; returns the run as it is now, or undefined if unknown. */
  async requestCancel(
    { id, now }: { id: string; now: Date },
    executor: Executor = this.db,
  ): Promise<RunRow | undefined> {
    const [row] = await executor
      .update(runs)
      .set({ cancelRequestedAt: sql`coalesce(${runs.cancelRequestedAt}, ${now})` })
      .where(eq(runs.id, id))
      .returning();
    return row;
  }
}
