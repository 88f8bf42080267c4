import pg from "pg";
import type { RunJob } from "../../application/ports/run-job.js";
import type {
  ActiveRun,
  ReleasedSession,
  RunRecoveryStore,
} from "../../application/ports/run-recovery-store.js";
import type { DatabaseHandle } from "./database.js";

/** One supervisor per database: the key of its session-level advisory lock. */
const SUPERVISOR_LOCK =
  "select pg_try_advisory_lock(hashtext('agent-runtime.run-supervisor')) as held";

/**
 * The `RunRecoveryStore` port on Postgres. The advisory lock lives on a connection of its own
 * (not the pool's, which recycles idle clients): losing that connection frees the lock, and
 * another worker's supervisor takes over on its next pass.
 */
export class PostgresRunRecoveryStore implements RunRecoveryStore {
  private readonly pool: pg.Pool;
  private leader: pg.Client | undefined;
  /** The lock is held on `leader`. */
  private holding = false;

  constructor(
    private readonly url: string,
    { pool }: Pick<DatabaseHandle, "pool">,
  ) {
    this.pool = pool;
  }

  async tryLead(): Promise<boolean> {
    if (!this.leader) {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: "agent-runtime-supervisor",
      });
      client.on("error", () => {
        if (this.leader === client) this.forget();
        client.end().catch(() => {});
      });
      client.on("end", () => {
        if (this.leader === client) this.forget();
      });
      await client.connect();
      this.leader = client;
    }
    const leader = this.leader;
    try {
      // Once held, the lock stays with the connection: checking that it is alive is enough.
      if (this.holding) {
        await leader.query("select 1");
        return true;
      }
      const { rows } = await leader.query<{ held: boolean }>(SUPERVISOR_LOCK);
      this.holding = rows[0]?.held === true;
      return this.holding;
    } catch (error) {
      if (this.leader === leader) this.forget();
      await leader.end().catch(() => {});
      throw error;
    }
  }

  async resign(): Promise<void> {
    const leader = this.leader;
    this.forget();
    await leader?.end().catch(() => {});
  }

  private forget(): void {
    this.leader = undefined;
    this.holding = false;
  }

  async activeRuns({
    acceptedBefore,
    limit,
  }: {
    acceptedBefore: Date;
    limit: number;
  }): Promise<ActiveRun[]> {
    const { rows } = await this.pool.query<ActiveRunRow>(
      `select id, session_id, user_id, kind, parent_run_id, status, input, lease_expires_at,
              started_at, stranded_at, recoveries, cancel_requested_at, created_at
       from runs
       where status in ('queued', 'running') and created_at < $1
       order by created_at
       limit $2`,
      [acceptedBefore, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      sessionId: row.session_id,
      userId: row.user_id,
      kind: row.kind,
      parentRunId: row.parent_run_id,
      status: row.status,
      input: row.input,
      leaseExpiresAt: row.lease_expires_at,
      startedAt: row.started_at,
      strandedAt: row.stranded_at,
      recoveries: row.recoveries,
      cancelRequested: row.cancel_requested_at !== null,
      createdAt: row.created_at,
    }));
  }

  async markStranded({ runIds, now }: { runIds: readonly string[]; now: Date }): Promise<void> {
    if (runIds.length === 0) return;
    await this.pool.query(
      `update runs set stranded_at = $2
       where id = any($1) and stranded_at is null and status in ('queued', 'running')`,
      [runIds, now],
    );
  }

  async clearStranded(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.pool.query(
      "update runs set stranded_at = null where id = any($1) and stranded_at is not null",
      [runIds],
    );
  }

  async recordRecovery({
    run,
    reason,
    now,
  }: {
    run: ActiveRun;
    reason: string;
    now: Date;
  }): Promise<void> {
    await this.pool.query(
      `with recovered as (
         update runs set recoveries = recoveries + 1, stranded_at = null
         where id = $1 returning recoveries)
       insert into audit_log (actor, action, session_id, run_id, payload, occurred_at)
       select 'system', 'run.recovered', $2, $1,
              jsonb_build_object('reason', $3::text, 'status', $4::text, 'recoveries', recoveries), $5
       from recovered`,
      [run.id, run.sessionId, reason, run.status, now],
    );
  }

  async releaseOrphanedSessions(now: Date): Promise<ReleasedSession[]> {
    const { rows } = await this.pool.query<{ session_id: string; run_id: string }>(
      `with orphaned as (
         select s.id, s.active_run_id, r.status as run_status
         from sessions s left join runs r on r.id = s.active_run_id
         where s.active_run_id is not null
           and (r.id is null or r.status not in ('queued', 'running'))
         for update of s skip locked),
       released as (
         update sessions s set
           active_run_id = null,
           status = case o.run_status when 'failed' then 'failed'
                                      when 'interrupted' then 'interrupted' else 'idle' end,
           version = s.version + 1,
           updated_at = $1
         from orphaned o where s.id = o.id
         returning s.id as session_id, o.active_run_id as run_id),
       audited as (
         insert into audit_log (actor, action, session_id, run_id, payload, occurred_at)
         select 'system', 'session.released', session_id, run_id,
                jsonb_build_object('reason', 'active run ended or missing'), $1
         from released)
       select session_id, run_id from released`,
      [now],
    );
    return rows.map((row) => ({ sessionId: row.session_id, runId: row.run_id }));
  }

  async renewLeases({
    runIds,
    leaseMs,
  }: {
    runIds: readonly string[];
    leaseMs: number;
  }): Promise<void> {
    if (runIds.length === 0) return;
    await this.pool.query(
      `update runs set lease_expires_at = now() + make_interval(secs => $2::double precision / 1000)
       where id = any($1) and status in ('queued', 'running')`,
      [runIds, leaseMs],
    );
  }
}

interface ActiveRunRow {
  id: string;
  session_id: string;
  user_id: string;
  kind: "run" | "resume";
  parent_run_id: string | null;
  status: "queued" | "running";
  input: RunJob | null;
  lease_expires_at: Date | null;
  started_at: Date | null;
  stranded_at: Date | null;
  recoveries: number;
  cancel_requested_at: Date | null;
  created_at: Date;
}
