import { and, desc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { sessions } from "../../../../models/index.js";
import { VersionConflictError } from "../../domain/errors.js";
import type { SessionStatus } from "../../domain/run-status.js";
import type { Database, Executor } from "./database.js";

export type SessionRow = typeof sessions.$inferSelect;
export type SessionRowView = SessionRow & { activeClientRunId: string | null };

/** Every column, and the active run as its client names it (for answers). */
const sessionColumnsForDisplay = {
  ...getTableColumns(sessions),
  activeClientRunId: sql<
    string | null
  >`(select r.client_run_id from runs r where r.id = ${sessions.activeRunId})`,
};

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

  /**
   * Inserts the session unless it exists; an existing session is returned untouched. The
   * thread id defaults to the storage id.
   */
  async createOrGet(
    {
      id,
      threadId = id,
      userId,
      workflow,
      now,
    }: { id: string; threadId?: string; userId: string; workflow: string; now: Date },
    executor: Executor = this.db,
  ): Promise<{ session: SessionRow; created: boolean }> {
    const [inserted] = await executor
      .insert(sessions)
      .values({ id, threadId, userId, workflow, createdAt: now, updatedAt: now })
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

  /** The user's session named `threadId` (another user's thread of that name is not it). */
  async findForUser(
    { threadId, userId }: { threadId: string; userId: string },
    executor: Executor = this.db,
  ): Promise<SessionRowView | undefined> {
    const [row] = await executor
      .select(sessionColumnsForDisplay)
      .from(sessions)
      .where(
        and(
          eq(sessions.userId, userId),
          eq(sessions.threadId, threadId),
          isNull(sessions.deletedAt),
        ),
      );
    return row;
  }

  async listForUser({
    userId,
    limit,
    offset,
  }: {
    userId: string;
    limit: number;
    offset: number;
  }): Promise<SessionRowView[]> {
    return this.db
      .select(sessionColumnsForDisplay)
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
