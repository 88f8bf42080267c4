import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  ConfigError,
  createRuntimeConfigLoader,
  defaultStaticConfigDirectory,
  type SystemAgentRow,
} from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { fixtureDirectory, systemAgentRow, writeConfigDirectory } from "./config-test-support.js";

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe("createRuntimeConfigLoader", () => {
  const staticDirectory = defaultStaticConfigDirectory();

  it("lists system agents once for two get() calls and returns the same config", async () => {
    const listSystemAgents = vi.fn(async () => [
      systemAgentRow({ llm: { model_code: "deepseek-v3.2" } }),
    ]);
    const loader = createRuntimeConfigLoader({ staticDirectory, listSystemAgents });

    const first = await loader.get();
    const second = await loader.get();

    expect(listSystemAgents).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(first.agents.intent?.llm.model_code).toBe("deepseek-v3.2");
  });

  it("re-resolves with the current rows on the next get() after invalidate()", async () => {
    let rows: SystemAgentRow[] = [systemAgentRow({ llm: { model_code: "deepseek-v3.2" } })];
    const listSystemAgents = vi.fn(async () => rows);
    const loader = createRuntimeConfigLoader({ staticDirectory, listSystemAgents });
    await loader.get();

    rows = [systemAgentRow({ version: 2, llm: { model_code: "gpt-4.1" } })];
    loader.invalidate();
    const reloaded = await loader.get();

    expect(listSystemAgents).toHaveBeenCalledTimes(2);
    expect(reloaded.agents.intent?.llm.model_code).toBe("gpt-4.1");
  });

  it("reads the YAML only once: invalidate() re-reads the rows, not the files", async () => {
    const agent = (role: string) => `a:\n  role: ${role}\n  goal: G\n  backstory: B\n`;
    const directory = writeConfigDirectory({
      "agents.yaml": agent("First"),
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n  agent: a\n",
    });
    const loader = createRuntimeConfigLoader({
      staticDirectory: directory,
      listSystemAgents: async () => [],
    });
    await loader.get();

    writeFileSync(join(directory, "agents.yaml"), agent("Second"));
    loader.invalidate();

    expect((await loader.get()).agents.a?.role).toBe("First");
  });

  it("shares one in-flight load between concurrent get() calls", async () => {
    const rows = deferred<SystemAgentRow[]>();
    const listSystemAgents = vi.fn(() => rows.promise);
    const loader = createRuntimeConfigLoader({ staticDirectory, listSystemAgents });

    const pending = [loader.get(), loader.get(), loader.get()];
    rows.resolve([]);
    const [first, ...others] = await Promise.all(pending);

    expect(listSystemAgents).toHaveBeenCalledTimes(1);
    for (const other of others) expect(other).toBe(first);
  });

  it("does not serve a load that started before invalidate() to later callers", async () => {
    const stale = deferred<SystemAgentRow[]>();
    const listSystemAgents = vi
      .fn<() => Promise<SystemAgentRow[]>>()
      .mockImplementationOnce(() => stale.promise)
      .mockImplementation(async () => [systemAgentRow({ llm: { model_code: "gpt-4.1" } })]);
    const loader = createRuntimeConfigLoader({ staticDirectory, listSystemAgents });

    const before = loader.get();
    loader.invalidate();
    const after = loader.get();
    stale.resolve([]);

    expect((await before).agents.intent?.llm.model_code).toBeUndefined();
    expect((await after).agents.intent?.llm.model_code).toBe("gpt-4.1");
    expect((await loader.get()).agents.intent?.llm.model_code).toBe("gpt-4.1");
  });

  it("does not cache a failed load, so the next get() tries again", async () => {
    const listSystemAgents = vi
      .fn<() => Promise<SystemAgentRow[]>>()
      .mockRejectedValueOnce(new Error("database down"))
      .mockResolvedValue([]);
    const loader = createRuntimeConfigLoader({ staticDirectory, listSystemAgents });

    await expect(loader.get()).rejects.toThrow("database down");
    await expect(loader.get()).resolves.toMatchObject({ default_workflow: "default" });
    expect(listSystemAgents).toHaveBeenCalledTimes(2);
  });

  it("rejects with ConfigError when a row breaks the config", async () => {
    const loader = createRuntimeConfigLoader({
      staticDirectory,
      listSystemAgents: async () => [systemAgentRow({ id: "bad", tools: ["srv.nope"] })],
    });

    await expect(loader.get()).rejects.toBeInstanceOf(ConfigError);
  });

  it("keeps serving the last good config when a later system_agents change breaks it, and says so", async () => {
    let rows: SystemAgentRow[] = [systemAgentRow({ llm: { model_code: "deepseek-v3.2" } })];
    const error = vi.fn();
    const loader = createRuntimeConfigLoader({
      staticDirectory,
      listSystemAgents: async () => rows,
      logger: { warn: vi.fn(), error },
    });
    const good = await loader.get();

    rows = [systemAgentRow({ id: "bad", version: 2, tools: ["srv.nope"] })];
    loader.invalidate();
    expect(await loader.get()).toBe(good);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0].err).toBeInstanceOf(ConfigError);

    rows = [systemAgentRow({ version: 3, llm: { model_code: "gpt-4.1" } })];
    loader.invalidate();
    expect((await loader.get()).agents.intent?.llm.model_code).toBe("gpt-4.1");
  });

  it("logs each warning once per load", async () => {
    const warn = vi.fn();
    const loader = createRuntimeConfigLoader({
      staticDirectory: fixtureDirectory("real-project"),
      listSystemAgents: async () => [],
      logger: { warn, error: vi.fn() },
    });

    const config = await loader.get();
    await loader.get();
    expect(config.warnings.length).toBeGreaterThan(0);
    expect(warn).toHaveBeenCalledTimes(config.warnings.length);
    expect(warn.mock.calls.map(([details]) => details.warning)).toEqual(config.warnings);

    loader.invalidate();
    await loader.get();
    expect(warn).toHaveBeenCalledTimes(config.warnings.length * 2);
  });
});
