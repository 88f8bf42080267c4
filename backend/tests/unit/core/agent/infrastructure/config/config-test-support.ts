import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, onTestFinished } from "vitest";
import type { SystemAgentRow } from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { ConfigError } from "../../../../../../src/core/agent/infrastructure/config/index.js";

export function fixtureDirectory(name: string): string {
  return fileURLToPath(new URL(`../../../../../fixtures/crewai/${name}`, import.meta.url));
}

/** A fresh directory holding the given YAML files, removed when the current test ends. */
export function writeConfigDirectory(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), "crewai-config-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(directory, name), content);
  return directory;
}

/** Runs `action`, expects a ConfigError and returns it. */
export function configErrorFrom(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("CONFIG_INVALID");
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}

/** `file: key` of every problem, the stable part of the error to assert on. */
export function problemLocations(error: ConfigError): string[] {
  return error.problems.map((problem) => `${problem.file}: ${problem.key}`);
}

export function systemAgentRow(overrides: Partial<SystemAgentRow> = {}): SystemAgentRow {
  return {
    id: "row-1",
    agent_type: "intent",
    name: null,
    version: 1,
    enabled: true,
    llm: null,
    role: null,
    goal: null,
    backstory: null,
    tools: null,
    max_iter: null,
    config: null,
    updated_at: new Date("2026-01-01T00:00:00Z"),
    ...overrides,
  };
}
