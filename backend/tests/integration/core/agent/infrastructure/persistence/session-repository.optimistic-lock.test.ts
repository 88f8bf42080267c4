import { afterAll, describe, expect, it } from "vitest";
import { VersionConflictError } from "../../../../../../src/core/agent/domain/errors.js";
import { DrizzleSessionRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-session-repository.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";

const handle = connectTestDatabase();
const sessions = new DrizzleSessionRepository(handle.db);
const now = new Date("2026-11-25T10:00:00Z");

afterAll(() => handle.close());

describe("session repository", () => {
  it("creates a session on first use and returns the same one afterwards", async () => {
    const id = uniqueId("session");
    const first = await sessions.createOrGet({ id, userId: "alice", workflow: "default", now });
    const second = await sessions.createOrGet({ id, userId: "alice", workflow: "other", now });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.session).toMatchObject({
      id,
      userId: "alice",
      workflow: "default",
      version: 0,
      status: "idle",
    });
  });

  it("hides a session from other users", async () => {
    const id = uniqueId("session");
    await sessions.createOrGet({ id, userId: "alice", workflow: "default", now });
    expect(await sessions.findForUser({ threadId: id, userId: "alice" })).toBeDefined();
    expect(await sessions.findForUser({ threadId: id, userId: "mallory" })).toBeUndefined();
  });

  it("two writers of the same version: one wins, the other gets a conflict and nothing is overwritten", async () => {
    const id = uniqueId("session");
    const { session } = await sessions.createOrGet({
      id,
      userId: "alice",
      workflow: "default",
      now,
    });
    const results = await Promise.allSettled([
      sessions.updateSnapshot({
        id,
        expectedVersion: session.version,
        snapshot: { writer: "a" },
        now,
      }),
      sessions.updateSnapshot({
        id,
        expectedVersion: session.version,
        snapshot: { writer: "b" },
        now,
      }),
    ]);
    const fulfilled = results.filter((result) => result.status === "fulfilled");
    const rejected = results.filter((result) => result.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(VersionConflictError);
    expect(reason.code).toBe("SNAPSHOT_VERSION_CONFLICT");

    const stored = await sessions.findById(id);
    const winner = results.findIndex((result) => result.status === "fulfilled") === 0 ? "a" : "b";
    expect(stored?.stateSnapshot).toEqual({ writer: winner });
    expect(stored?.version).toBe(session.version + 1);
  });

  it("a stale writer after a successful write is refused", async () => {
    const id = uniqueId("session");
    const { session } = await sessions.createOrGet({
      id,
      userId: "alice",
      workflow: "default",
      now,
    });
    const next = await sessions.updateSnapshot({
      id,
      expectedVersion: session.version,
      snapshot: { step: 1 },
      status: "running",
      activeRunId: "run-1",
      now,
    });
    await expect(
      sessions.updateSnapshot({
        id,
        expectedVersion: session.version,
        snapshot: { step: "stale" },
        now,
      }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    await sessions.updateSnapshot({
      id,
      expectedVersion: next,
      snapshot: { step: 2 },
      activeRunId: null,
      status: "idle",
      now,
    });
    expect(await sessions.findById(id)).toMatchObject({
      stateSnapshot: { step: 2 },
      version: next + 1,
      activeRunId: null,
      status: "idle",
    });
  });

  it("soft-deletes only the owner's session and lists the caller's sessions", async () => {
    const userId = uniqueId("user");
    const kept = uniqueId("session");
    const removed = uniqueId("session");
    await sessions.createOrGet({ id: kept, userId, workflow: "default", now });
    await sessions.createOrGet({ id: removed, userId, workflow: "default", now });
    expect(await sessions.softDelete({ id: removed, userId: "someone-else", now })).toBe(false);
    expect(await sessions.softDelete({ id: removed, userId, now })).toBe(true);
    const listed = await sessions.listForUser({ userId, limit: 10, offset: 0 });
    expect(listed.map((row) => row.id)).toEqual([kept]);
    expect(await sessions.findById(removed)).toBeUndefined();
  });
});
