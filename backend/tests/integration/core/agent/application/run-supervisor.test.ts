import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnknownRunJobError } from "../../../../../src/core/agent/application/run-executor.js";
import type { RunSupervisor } from "../../../../../src/core/agent/application/run-supervisor.js";
import { PostgresRunRecoveryStore } from "../../../../../src/core/agent/infrastructure/persistence/postgres-run-recovery-store.js";
import { runInput } from "../../../../support/agent-requests.js";
import { InProcessRuntime } from "../../../../support/in-process-runtime.js";
import {
  createIsolatedDatabase,
  type IsolatedDatabase,
} from "../../../../support/isolated-database.js";
import { authHeaders } from "../../../../support/jwt.js";

/**
 * The supervisor's passes driven one at a time, on a database of its own (it acts on every
 * run of its database), with the api in this process and no worker: a run moves only when the
 * test executes its job.
 */
let database: IsolatedDatabase;
let runtime: InProcessRuntime;
let supervisor: RunSupervisor;
let sql: pg.Pool;

beforeAll(async () => {
  database = await createIsolatedDatabase();
  runtime = await InProcessRuntime.start({
    SOCIAL_DATABASE__URL: database.url,
    // Runs qualify for a pass 1 ms after they were accepted.
    SOCIAL_SUPERVISOR__INTERVAL_MS: "1",
    SOCIAL_SUPERVISOR__LEASE_MS: "60000",
    SOCIAL_SUPERVISOR__MAX_RECOVERIES: "1",
  });
  supervisor = runtime.root.runSupervisor();
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await sql?.end();
  await database?.drop();
});

async function post(userId: string, body: ReturnType<typeof runInput>) {
  return runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: await authHeaders(userId),
    payload: body,
  });
}

async function runRow(runId: string) {
  const { rows } = await sql.query(
    "select status, error_code, recoveries, stranded_at, input from runs where id = $1",
    [runId],
  );
  return rows[0] as {
    status: string;
    error_code: string | null;
    recoveries: number;
    stranded_at: Date | null;
    input: unknown;
  };
}

async function auditActions(runId: string): Promise<string[]> {
  const { rows } = await sql.query<{ action: string }>(
    "select action from audit_log where run_id = $1 order by id",
    [runId],
  );
  return rows.map((row) => row.action);
}

const jobs = () => runtime.root.queue.queue;

describe("the run supervisor", () => {
  it("stores the admitted turn on the run and leaves runs that still have a job alone", async () => {
    const input = runInput();
    expect((await post("sup-alice", input)).statusCode).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const row = await runRow(input.runId);
    expect(row.input).toMatchObject({ runId: input.runId, kind: "run", messages: input.messages });
    const report = await supervisor.sweep();
    expect(report.led).toBe(true);
    expect(report.recovered).not.toContain(input.runId);
    expect((await runRow(input.runId)).stranded_at).toBeNull();
    await runtime.executeJob(input.runId);
    expect((await runRow(input.runId)).status).toBe("succeeded");
  });

  it("queues a queued run again once its job is seen missing on two passes, and it then completes", async () => {
    const input = runInput();
    await post("sup-bob", input);
    await jobs().remove(input.runId);

    const first = await supervisor.sweep();
    expect(first.recovered).not.toContain(input.runId);
    expect((await runRow(input.runId)).stranded_at).not.toBeNull();
    const second = await supervisor.sweep();
    expect(second.recovered).toContain(input.runId);
    expect(await jobs().getJob(input.runId)).toBeDefined();
    expect(await runRow(input.runId)).toMatchObject({ recoveries: 1, stranded_at: null });
    expect(await auditActions(input.runId)).toContain("run.recovered");

    await runtime.executeJob(input.runId);
    expect((await runRow(input.runId)).status).toBe("succeeded");
    const events = (await runtime.root.events.readAll(input.runId)).map(
      (event) => JSON.parse(event.data).type,
    );
    expect(events.filter((type) => type === "RUN_STARTED")).toHaveLength(1);
    expect(events.at(-1)).toBe("RUN_FINISHED");
  });

  it("gives a run up after its recoveries: RUN_ERROR RUN_ABANDONED, an audit row, the thread free", async () => {
    const input = runInput();
    const headers = await authHeaders("sup-carol");
    await post("sup-carol", input);
    await jobs().remove(input.runId);
    await supervisor.sweep();
    expect((await supervisor.sweep()).recovered).toContain(input.runId);
    // Lost again; MAX_RECOVERIES is 1.
    await jobs().remove(input.runId);
    await supervisor.sweep();
    expect((await supervisor.sweep()).abandoned).toContain(input.runId);

    expect(await runRow(input.runId)).toMatchObject({
      status: "failed",
      error_code: "RUN_ABANDONED",
    });
    expect(await auditActions(input.runId)).toContain("run.abandoned");
    const metrics = runtime.root.metrics.registry;
    expect(await metrics.getSingleMetricAsString("agent_runtime_runs_abandoned_total")).toContain(
      'agent_runtime_runs_abandoned_total{reason="max_recoveries"} 1',
    );
    expect(await metrics.getSingleMetricAsString("agent_runtime_runs_recovered_total")).toMatch(
      /agent_runtime_runs_recovered_total\{reason="job_missing"\} [1-9]/,
    );
    const events = (await runtime.root.events.readAll(input.runId)).map((event) =>
      JSON.parse(event.data),
    );
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "RUN_ABANDONED" });
    const session = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/sessions/${input.threadId}`,
      headers,
    });
    // The user's turn is kept; the thread takes a new one.
    expect(session.json()).toMatchObject({ active_run_id: null, message_count: 1 });
    const next = runInput({ threadId: input.threadId });
    expect((await post("sup-carol", next)).statusCode).toBe(202);
    await runtime.executeJob(next.runId);
    expect((await runRow(next.runId)).status).toBe("succeeded");
  });

  it("leaves a running run whose job is gone alone while its worker renews the lease, and recovers it once the lease ran out", async () => {
    const input = runInput();
    await post("sup-dave", input);
    await runtime.root.store.pickUp({ runId: input.runId, now: new Date() });
    const recovery = new PostgresRunRecoveryStore(database.url, runtime.root.database);
    await recovery.renewLeases({ runIds: [input.runId], leaseMs: 60_000 });
    await jobs().remove(input.runId);

    await supervisor.sweep();
    await supervisor.sweep();
    expect(await runRow(input.runId)).toMatchObject({ status: "running", recoveries: 0 });

    await sql.query(
      "update runs set lease_expires_at = now() - interval '1 second' where id = $1",
      [input.runId],
    );
    await supervisor.sweep();
    expect((await supervisor.sweep()).recovered).toContain(input.runId);
    await runtime.executeJob(input.runId);
    expect((await runRow(input.runId)).status).toBe("succeeded");
  });

  it("never touches a run waiting for a human, and releases a session whose active run has ended", async () => {
    const waiting = runInput();
    await post("sup-erin", waiting);
    await jobs().remove(waiting.runId);
    await sql.query("update runs set status = 'interrupted' where id = $1", [waiting.runId]);
    await sql.query(
      "update sessions set active_run_id = null, status = 'interrupted' where id = $1",
      [waiting.threadId],
    );
    const orphan = runInput();
    await post("sup-erin", orphan);
    await runtime.executeJob(orphan.runId);
    // A session still naming its finished run (as a lost terminal write would leave it).
    await sql.query("update sessions set active_run_id = $2, status = 'running' where id = $1", [
      orphan.threadId,
      orphan.runId,
    ]);

    const first = await supervisor.sweep();
    expect(first.released).toContain(orphan.threadId);
    const report = await supervisor.sweep();
    expect(report.recovered).not.toContain(waiting.runId);
    expect(report.abandoned).not.toContain(waiting.runId);
    expect(await runRow(waiting.runId)).toMatchObject({ status: "interrupted", recoveries: 0 });
    const { rows } = await sql.query("select active_run_id, status from sessions where id = $1", [
      orphan.threadId,
    ]);
    expect(rows[0]).toEqual({ active_run_id: null, status: "idle" });
    expect(await auditActions(orphan.runId)).toContain("session.released");
  });

  it("ends a stranded run whose cancel was requested as cancelled instead of running it", async () => {
    const input = runInput();
    await post("sup-frank", input);
    await runtime.root.store.pickUp({ runId: input.runId, now: new Date(Date.now() - 120_000) });
    await runtime.root.store.requestCancel({ runId: input.runId, now: new Date() });
    await jobs().remove(input.runId);
    await supervisor.sweep();
    expect((await supervisor.sweep()).cancelled).toContain(input.runId);
    expect(await runRow(input.runId)).toMatchObject({
      status: "cancelled",
      error_code: "CANCELLED",
    });
  });

  it("is active in one process at a time per database", async () => {
    const other = new PostgresRunRecoveryStore(database.url, runtime.root.database);
    expect(await other.tryLead()).toBe(false);
    await other.resign();
  });

  it("re-queues a queued run whose job was lost when the client replays the same POST", async () => {
    const input = runInput();
    await post("sup-gina", input);
    await jobs().remove(input.runId);
    const replay = await post("sup-gina", input);
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toMatchObject({ replayed: true, status: "queued" });
    expect(await jobs().getJob(input.runId)).toBeDefined();
    await runtime.executeJob(input.runId);
    expect((await runRow(input.runId)).status).toBe("succeeded");
  });

  it("fails a job for a run this database does not know, saying what to check", async () => {
    const executor = await runtime.root.runExecutor();
    await expect(
      executor.execute(
        {
          kind: "run",
          runId: "run-of-another-installation",
          sessionId: "thread-elsewhere",
          userId: "someone",
          messages: [],
          clientTools: [],
          decisions: [],
        },
        { shutdown: new AbortController().signal, finalAttempt: true, attempt: 1 },
      ),
    ).rejects.toThrow(UnknownRunJobError);
    await expect(
      executor.execute(
        {
          kind: "run",
          runId: "run-of-another-installation",
          sessionId: "thread-elsewhere",
          userId: "someone",
          messages: [],
          clientTools: [],
          decisions: [],
        },
        { shutdown: new AbortController().signal, finalAttempt: true, attempt: 1 },
      ),
    ).rejects.toThrow(/SOCIAL_DATABASE__URL.*SOCIAL_REDIS__KEY_PREFIX/);
  });
});
