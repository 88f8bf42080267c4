import { afterAll, describe, expect, it } from "vitest";
import { DrizzleMessageRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-message-repository.js";
import { DrizzleSessionRepository } from "../../../../../../src/core/agent/infrastructure/persistence/drizzle-session-repository.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";

const handle = connectTestDatabase(60);
const sessions = new DrizzleSessionRepository(handle.db);
const messages = new DrizzleMessageRepository(handle.db);
const now = new Date("2026-11-25T10:00:00Z");

afterAll(() => handle.close());

async function newSession() {
  const id = uniqueId("session");
  await sessions.createOrGet({ id, userId: "user-1", workflow: "default", now });
  return id;
}

describe("message repository: append", () => {
  it("test_run_persists_user_and_assistant_messages: user then assistant come back in order with seq 1, 2", async () => {
    const sessionId = await newSession();
    const runId = uniqueId("run");
    await messages.append({
      sessionId,
      runId,
      messages: [{ id: uniqueId("m"), role: "user", content: "hello" }],
      now,
    });
    await messages.append({
      sessionId,
      runId,
      messages: [{ id: uniqueId("m"), role: "assistant", content: "hi there", stage: "respond" }],
      now,
    });

    const rows = await messages.list({ sessionId, limit: 10 });
    expect(rows.map((row) => [row.seq, row.role, row.content])).toEqual([
      [1, "user", "hello"],
      [2, "assistant", "hi there"],
    ]);
    const session = await sessions.findById(sessionId);
    expect(session?.messageCount).toBe(2);
    expect(session?.lastSeq).toBe(2);
  });

  it("50 concurrent appends to one session get seq 1..50 with no gap and no duplicate", async () => {
    const sessionId = await newSession();
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        messages.append({
          sessionId,
          runId: null,
          messages: [{ id: uniqueId(`m${index}`), role: "user", content: String(index) }],
          now,
        }),
      ),
    );
    const rows = await messages.list({ sessionId, limit: 100 });
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    const session = await sessions.findById(sessionId);
    expect(session?.lastSeq).toBe(50);
    expect(session?.messageCount).toBe(50);
  });

  it("skips ids that are already stored, so a replayed input adds nothing", async () => {
    const sessionId = await newSession();
    const user = { id: uniqueId("m"), role: "user" as const, content: "once" };
    const first = await messages.append({ sessionId, runId: null, messages: [user], now });
    const replay = await messages.append({
      sessionId,
      runId: null,
      messages: [user, { id: uniqueId("m"), role: "assistant", content: "new" }],
      now,
    });
    expect(first.map((row) => row.seq)).toEqual([1]);
    expect(replay.map((row) => [row.seq, row.content])).toEqual([[2, "new"]]);
    expect((await sessions.findById(sessionId))?.messageCount).toBe(2);
  });

  it("keeps the counter gap-free when a transaction that appended rolls back", async () => {
    const sessionId = await newSession();
    await expect(
      handle.db.transaction(async (transaction) => {
        await messages.append(
          {
            sessionId,
            runId: null,
            messages: [{ id: uniqueId("m"), role: "user", content: "x" }],
            now,
          },
          transaction,
        );
        throw new Error("abort the checkpoint");
      }),
    ).rejects.toThrow("abort the checkpoint");
    const [row] = await messages.append({
      sessionId,
      runId: null,
      messages: [{ id: uniqueId("m"), role: "user", content: "y" }],
      now,
    });
    expect(row?.seq).toBe(1);
  });

  it("stores tool calls and tool results with their correlation id", async () => {
    const sessionId = await newSession();
    const toolCalls = [
      {
        id: "call-1",
        type: "function" as const,
        function: { name: "ui.navigate_to", arguments: '{"path":"/"}' },
      },
    ];
    await messages.append({
      sessionId,
      runId: null,
      messages: [
        { id: uniqueId("m"), role: "assistant", content: null, toolCalls },
        { id: uniqueId("m"), role: "tool", content: "ok", toolCallId: "call-1" },
      ],
      now,
    });
    const rows = await messages.list({ sessionId, limit: 10 });
    expect(rows[0]?.toolCalls).toEqual(toolCalls);
    expect(rows[1]).toMatchObject({ role: "tool", toolCallId: "call-1", seq: 2 });
  });

  it("pages history by seq and refuses an unknown session", async () => {
    const sessionId = await newSession();
    await messages.append({
      sessionId,
      runId: null,
      messages: [1, 2, 3, 4].map((index) => ({
        id: uniqueId(`m${index}`),
        role: "user" as const,
        content: `${index}`,
      })),
      now,
    });
    const page = await messages.list({ sessionId, afterSeq: 1, limit: 2 });
    expect(page.map((row) => row.seq)).toEqual([2, 3]);
    const latest = await messages.listLatest({ sessionId, limit: 2 });
    expect(latest.map((row) => row.seq)).toEqual([3, 4]);
    await expect(
      messages.append({
        sessionId: uniqueId("missing"),
        runId: null,
        messages: [{ id: uniqueId("m"), role: "user", content: "x" }],
        now,
      }),
    ).rejects.toThrow(/does not exist/);
  });
});
