import { describe, expect, it } from "vitest";
import {
  isActiveRunStatus,
  isTerminalRunStatus,
  RUN_STATUSES,
  SESSION_STATUSES,
} from "../../../../../src/core/agent/domain/index.js";

describe("run and session statuses", () => {
  it("lists the contract's run and session statuses", () => {
    expect([...RUN_STATUSES]).toEqual([
      "queued",
      "running",
      "interrupted",
      "succeeded",
      "failed",
      "cancelled",
    ]);
    expect([...SESSION_STATUSES]).toEqual(["idle", "queued", "running", "interrupted", "failed"]);
  });

  it("treats succeeded, failed and cancelled as terminal and nothing else", () => {
    const terminal = RUN_STATUSES.filter(isTerminalRunStatus);
    expect(terminal).toEqual(["succeeded", "failed", "cancelled"]);
  });

  it("treats only queued and running as holding the session", () => {
    const active = RUN_STATUSES.filter(isActiveRunStatus);
    expect(active).toEqual(["queued", "running"]);
  });
});
