import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { sessions } from "../../../../models/index.js";
import { VersionConflictError } from "../../domain/errors.js";
import type { SessionStatus } from "../../domain/run-status.js";
import type { Database, Executor } from "./database.js";

export type SessionRow = typeof sessions.$inferSelect;

export interface SnapshotUpdate {
  id: string;
  expectedVersion: number;
  snapshot: unknown;
  status?: SessionStatus;
  /** `null` releases the session's run lock; `undefined` leaves it alone. */
  activeRunId?: string | null;
  now: Date;
}

/** Sessions: create-or-get for a user, reads, and optimistic-lock snapshot writes. */
export class DrizzleSessionRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the session unless it exists; an existing session is returned untouched. */
  async createOrGet(
    { id, userId, workflow, now }: { id: string; userId: string; workflow: string; now: Date },
    executor: Executor = this.db,
  ): Promise<{ session: SessionRow; created: boolean }> {
    const [inserted] = await executor
      .insert(sessions)
      .values({ id, userId, workflow, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: sessions.id })
      .returning();
    if (inserted) return { session: inserted, created: true };
    const [existing] = await executor.select().from(sessions).where(eq(sessions.id, id));
    if (!existing) throw new Error(`session ${id} vanished between insert and read`);
    return { session: existing, created: false };
  }

  async findById(id: string, executor: Executor = this.db): Promise<SessionRow | undefined> {
    const [row] = await executor
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, id), isNull(sessions.deletedAt)));
    return row;
  }

  /** A session is invisible to everyone but its owner. */
  async findForUser(
    { id, userId }: { id: string; userId: string },
    executor: Executor = this.db,
  ): Promise<SessionRow | undefined> {
    const row = await this.findById(id, executor);
    return row && row.userId === userId ? row : undefined;
  }

  async listForUser({
    userId,
    limit,
    offset,
  }: {
    userId: string;
    limit: number;
    offset: number;
  }): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.deletedAt)))
      .orderBy(desc(sessions.updatedAt))
      .limit(limit)
      .offset(offset);
  }

  /**
   * Writes a new snapshot if nobody else wrote one since `expectedVersion` was read; otherwise
   * throws `VersionConflictError` and changes nothing. Returns the new version.
   */
  async updateSnapshot(update: SnapshotUpdate, executor: Executor = this.db): Promise<number> {
    const [row] = await executor
      .update(sessions)
      .set({
        stateSnapshot: update.snapshot,
        version: sql`${sessions.version} + 1`,
        updatedAt: update.now,
        ...(update.status === undefined ? {} : { status: update.status }),
        ...(update.activeRunId === undefined ? {} : { activeRunId: update.activeRunId }),
      })
      .where(and(eq(sessions.id, update.id), eq(sessions.version, update.expectedVersion)))
      .returning({ version: sessions.version });
    if (!row) {
      throw new VersionConflictError({
        message: `session ${update.id} changed since version ${update.expectedVersion} was read`,
        details: { session_id: update.id, expected_version: update.expectedVersion },
      });
    }
    return row.version;
  }

  /** Hides the session from its owner; runs, messages and metering rows are kept. */
  async softDelete({
    id,
    userId,
    now,
  }: {
    id: string;
    userId: string;
    now: Date;
  }): Promise<boolean> {
    const rows = await this.db
      .update(sessions)
      .set({ deletedAt: now, updatedAt: now })
      .where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.deletedAt)))
      .returning({ id: sessions.id });
    return rows.length > 0;
  }
}
