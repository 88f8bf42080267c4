import { afterAll, describe, expect, it } from "vitest";
import { DrizzleAuditLogRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-audit-log-repository.js";
import { DrizzleRunRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-run-repository.js";
import { DrizzleSessionRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-session-repository.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";

const handle = connectTestDatabase();
const sessions = new DrizzleSessionRepository(handle.db);
const runs = new DrizzleRunRepository(handle.db);
const audit = new DrizzleAuditLogRepository(handle.db);
const now = new Date("2026-11-25T10:00:00Z");

afterAll(() => handle.close());

describe("run repository", () => {
  it("creating the same run id twice returns the first run", async () => {
    const sessionId = uniqueId("session");
    const runId = uniqueId("run");
    await sessions.createOrGet({ id: sessionId, userId: "alice", workflow: "default", now });
    const first = await runs.create({
      id: runId,
      sessionId,
      userId: "alice",
      kind: "run",
      workflow: "default",
      now,
    });
    const replay = await runs.create({
      id: runId,
      sessionId,
      userId: "alice",
      kind: "resume",
      workflow: "x",
      now,
    });
    expect(first.created).toBe(true);
    expect(replay.created).toBe(false);
    expect(replay.run).toMatchObject({ kind: "run", workflow: "default", status: "queued" });
  });

  it("tracks pick-ups, the terminal status and cancel requests", async () => {
    const sessionId = uniqueId("session");
    const runId = uniqueId("run");
    await sessions.createOrGet({ id: sessionId, userId: "alice", workflow: "default", now });
    await runs.create({
      id: runId,
      sessionId,
      userId: "alice",
      kind: "run",
      workflow: "default",
      now,
    });
    await runs.markRunning({ id: runId, now });
    await runs.markRunning({ id: runId, now: new Date(now.getTime() + 5000) });
    const cancelled = await runs.requestCancel({ id: runId, now });
    expect(cancelled?.cancelRequestedAt).toEqual(now);
    await runs.finish({
      id: runId,
      status: "failed",
      errorCode: "INTERNAL",
      errorMessage: "boom",
      now,
    });
    expect(await runs.findById(runId)).toMatchObject({
      status: "failed",
      attempts: 2,
      startedAt: now,
      errorCode: "INTERNAL",
      finishedAt: now,
    });
    expect(await runs.findForUser({ clientRunId: runId, userId: "bob" })).toBeUndefined();
  });

  it("refuses a status outside the contract", async () => {
    const sessionId = uniqueId("session");
    const runId = uniqueId("run");
    await sessions.createOrGet({ id: sessionId, userId: "alice", workflow: "default", now });
    await runs.create({
      id: runId,
      sessionId,
      userId: "alice",
      kind: "run",
      workflow: "default",
      now,
    });
    await expect(
      // @ts-expect-error: the database must refuse what the type system would
      runs.finish({ id: runId, status: "exploded", now }),
    ).rejects.toThrow();
  });
});

describe("audit log repository", () => {
  it("appends entries and lists them per session in order", async () => {
    const sessionId = uniqueId("session");
    await audit.append([
      {
        actor: "alice",
        action: "tool_call.approved",
        sessionId,
        toolCallId: "c1",
        occurredAt: now,
      },
      {
        actor: "system",
        action: "correlation_error",
        sessionId,
        errorCode: "TOOL_CALL_NOT_PENDING",
        payload: { tool_call_ids: ["c9"] },
        occurredAt: now,
      },
    ]);
    const rows = await audit.listForSession(sessionId);
    expect(rows.map((row) => [row.actor, row.action, row.errorCode])).toEqual([
      ["alice", "tool_call.approved", null],
      ["system", "correlation_error", "TOOL_CALL_NOT_PENDING"],
    ]);
    expect(rows[1]?.payload).toEqual({ tool_call_ids: ["c9"] });
  });
});
