import { describe, expect, it } from "vitest";
import {
  parseStateSnapshot,
  SnapshotInvalidError,
  StateSnapshot,
  startRun,
} from "../../../../../src/core/agent/domain/index.js";
import { approvalCall, expectAgentError, frontendCall, T0 } from "./fixtures.js";

function stored(): Record<string, unknown> {
  const snapshot = startRun(StateSnapshot.new(), {
    runId: "run-1",
    workflow: "support",
    stage: "plan",
    clientTools: [],
    now: T0,
  });
  // What jsonb gives back: a plain copy with no undefined values.
  return JSON.parse(
    JSON.stringify({ ...snapshot, pending_tool_calls: [frontendCall("c1"), approvalCall("c2")] }),
  );
}

describe("reading a state snapshot from storage", () => {
  it("gives a fresh snapshot when storage holds nothing yet", () => {
    expect(parseStateSnapshot(null)).toEqual(StateSnapshot.new());
    expect(parseStateSnapshot(undefined)).toEqual(StateSnapshot.new());
  });

  it("reads back what a transition wrote", () => {
    const raw = stored();
    expect(parseStateSnapshot(raw)).toEqual(raw);
  });

  it("names the offending field of a malformed snapshot", () => {
    const raw = stored();
    (raw.pending_tool_calls as Record<string, unknown>[])[0] = {
      ...frontendCall("c1"),
      status: "DONE",
    };
    const error = expectAgentError(() => parseStateSnapshot(raw), "SNAPSHOT_INVALID");
    expect(error).toBeInstanceOf(SnapshotInvalidError);
    expect(error.message).toContain("pending_tool_calls[0].status");
    expect(error.details?.path).toBe("pending_tool_calls[0].status");
  });

  it.each([
    [
      "usage.cost_usd",
      (raw: Record<string, unknown>) => ({
        ...raw,
        usage: { input_tokens: 0, output_tokens: 0, cost_usd: 0.5 },
      }),
    ],
    [
      "run.stage_index",
      (raw: Record<string, unknown>) => ({
        ...raw,
        run: { ...(raw.run as object), stage_index: -1 },
      }),
    ],
    [
      "stages.plan.finished_at",
      (raw: Record<string, unknown>) => ({
        ...raw,
        stages: { plan: { output: "x", finished_at: "yesterday" } },
      }),
    ],
    [
      "pending_tool_calls[1].expires_at",
      (raw: Record<string, unknown>) => ({
        ...raw,
        pending_tool_calls: [frontendCall("c1"), { ...approvalCall("c2"), expires_at: null }],
      }),
    ],
    [
      "pending_tool_calls[0].result",
      (raw: Record<string, unknown>) => ({
        ...raw,
        pending_tool_calls: [{ ...frontendCall("c1"), status: "EXECUTED" }],
      }),
    ],
    [
      "pending_tool_calls[0].status",
      (raw: Record<string, unknown>) => ({
        ...raw,
        pending_tool_calls: [{ ...frontendCall("c1"), status: "APPROVED" }],
      }),
    ],
    ["agent_state", (raw: Record<string, unknown>) => ({ ...raw, agent_state: "dark" })],
    ["(root)", (raw: Record<string, unknown>) => ({ ...raw, surprise: true })],
  ])("names %s when it is wrong", (path, corrupt) => {
    const error = expectAgentError(() => parseStateSnapshot(corrupt(stored())), "SNAPSHOT_INVALID");
    expect(error.details?.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it("refuses something that is not a JSON object", () => {
    for (const raw of ["{}", 42, [], true]) {
      expectAgentError(() => parseStateSnapshot(raw), "SNAPSHOT_INVALID");
    }
  });

  it("refuses a schema_version newer than this service understands, saying so", () => {
    const error = expectAgentError(
      () => parseStateSnapshot({ ...stored(), schema_version: 3 }),
      "SNAPSHOT_INVALID",
    );
    expect(error.message).toMatch(/schema_version 3 is newer than the supported 2/);
    expect(error.details).toMatchObject({ schema_version: 3, supported: 2 });
  });

  it("refuses a schema_version that is not a non-negative integer", () => {
    for (const version of [-1, 1.5, "1", null]) {
      const error = expectAgentError(
        () => parseStateSnapshot({ ...stored(), schema_version: version }),
        "SNAPSHOT_INVALID",
      );
      expect(error.message).toContain("schema_version");
    }
  });
});

describe("upgrading a v0 snapshot", () => {
  const v0 = {
    run: {
      run_id: "run-1",
      status: "interrupted",
      workflow: "support",
      stage_index: 1,
      stage: "act",
      iteration: 2,
      started_at: "2030-01-01T00:00:00.000Z",
    },
    stages: { plan: { output: "the plan", finished_at: "2030-01-01T00:01:00.000Z" } },
    pending_tools: [
      {
        tool_call_id: "c1",
        tool_name: "ui.navigate_to",
        args: { path: "/" },
        mode: "FRONTEND_EXECUTE",
        status: "EXECUTED",
        stage: "act",
        requested_at: "2030-01-01T00:02:00.000Z",
        result: "navigated",
      },
      {
        tool_call_id: "c2",
        tool_name: "srv.transfer_funds",
        args: { amount: 5 },
        mode: "BACKEND_APPROVAL_INTERRUPT",
        status: "PENDING_APPROVAL",
        stage: "act",
        interrupt_id: "i2",
        requested_at: "2030-01-01T00:02:00.000Z",
        expires_at: "2030-01-01T00:07:00.000Z",
      },
    ],
    agent_state: { theme: "dark" },
    usage: { input_tokens: 120, output_tokens: 40, cost: 2.8e-8 },
  };

  it("upgrades pending_tools, text results, the run cursor and the float cost, on to v2", () => {
    const snapshot = parseStateSnapshot(v0);
    expect(snapshot.schema_version).toBe(2);
    expect(snapshot.run).toEqual({ ...v0.run, client_tools: [], context: [] });
    expect(snapshot.stages).toEqual(v0.stages);
    expect(snapshot.pending_tool_calls[0]).toEqual({
      ...v0.pending_tools[0],
      result: { content: "navigated" },
    });
    expect(snapshot.pending_tool_calls[1]).toEqual(v0.pending_tools[1]);
    expect(snapshot.agent_state).toEqual({ theme: "dark" });
    expect(snapshot.usage).toEqual({
      input_tokens: 120,
      output_tokens: 40,
      cost_usd: "0.000000028",
    });
  });

  it("accepts an explicit schema_version 0 too", () => {
    expect(parseStateSnapshot({ ...v0, schema_version: 0 }).schema_version).toBe(2);
  });

  it("names the v0 field when the v0 shape itself is broken", () => {
    const broken = { ...v0, usage: { input_tokens: 1, output_tokens: 1, cost: "cheap" } };
    const error = expectAgentError(() => parseStateSnapshot(broken), "SNAPSHOT_INVALID");
    expect(error.message).toContain("schema_version 0");
    expect(error.details?.path).toBe("usage.cost");
  });

  it("names the v1 field when the upgraded snapshot breaks a v1 rule", () => {
    const broken = {
      ...v0,
      pending_tools: [{ ...v0.pending_tools[1], interrupt_id: undefined }],
    };
    const error = expectAgentError(() => parseStateSnapshot(broken), "SNAPSHOT_INVALID");
    expect(error.message).toContain("upgraded from schema_version 0");
    expect(error.details?.path).toBe("pending_tool_calls[0].interrupt_id");
  });
});

describe("upgrading a v1 snapshot", () => {
  const v1 = {
    schema_version: 1,
    run: {
      run_id: "run-7",
      status: "interrupted",
      workflow: "default",
      stage_index: 1,
      stage: "respond",
      iteration: 2,
      started_at: "2030-01-01T00:00:00.000Z",
      client_tools: [{ name: "ui.pick", description: "Pick" }],
    },
    stages: { intent: { output: "action", finished_at: "2030-01-01T00:00:01.000Z" } },
    pending_tool_calls: [
      {
        tool_call_id: "call-1",
        tool_name: "srv.transfer_funds",
        args: { amount: 5 },
        mode: "BACKEND_APPROVAL_INTERRUPT",
        status: "PENDING_APPROVAL",
        stage: "respond",
        interrupt_id: "interrupt-call-1",
        requested_at: "2030-01-01T00:00:02.000Z",
      },
    ],
    agent_state: { recipe: { title: "Soup" } },
    usage: { input_tokens: 1, output_tokens: 2, cost_usd: "0.5" },
  };

  it("keeps every v1 field and gives the run an empty context", () => {
    const snapshot = parseStateSnapshot(v1);
    expect(snapshot).toEqual({
      ...v1,
      schema_version: 2,
      run: { ...v1.run, context: [] },
    });
  });

  it("keeps a v1 snapshot without a run as it is", () => {
    expect(parseStateSnapshot({ ...v1, run: null, pending_tool_calls: [] }).run).toBeNull();
  });

  it("names the v1 field when the v1 shape itself is broken", () => {
    const error = expectAgentError(
      () => parseStateSnapshot({ ...v1, run: "x" }),
      "SNAPSHOT_INVALID",
    );
    expect(error.message).toContain("schema_version 1");
  });
});
