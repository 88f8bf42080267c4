import { describe, expect, it } from "vitest";
import {
  defaultStaticConfigDirectory,
  readStaticCrewConfig,
  resolveAgentRuntimeConfig,
} from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { systemAgentRow } from "./config-test-support.js";

const staticConfig = readStaticCrewConfig(defaultStaticConfigDirectory());

describe("test_resolver_merges_system_agents_and_static_templates", () => {
  it("lets a row's llm.model_code override the static agent and keeps its stage in the default workflow", () => {
    const resolved = resolveAgentRuntimeConfig(
      [systemAgentRow({ agent_type: "intent", llm: { model_code: "deepseek-v3.2" } })],
      staticConfig,
    );

    expect(resolved.agents.intent?.llm.model_code).toBe("deepseek-v3.2");
    expect(resolved.workflow_stages).toContain("intent");
    expect(resolved.workflow_stages).toEqual(["intent", "respond"]);
  });

  it("keeps the static value of every field the row leaves empty", () => {
    const staticIntent = staticConfig.agents.intent;
    const resolved = resolveAgentRuntimeConfig(
      [systemAgentRow({ agent_type: "intent", llm: { model_code: "deepseek-v3.2" } })],
      staticConfig,
    );
    const intent = resolved.agents.intent;

    expect(intent?.role).toBe(staticIntent?.role);
    expect(intent?.goal).toBe(staticIntent?.goal);
    expect(intent?.backstory).toBe(staticIntent?.backstory);
    expect(intent?.tools).toEqual(staticIntent?.tools);
    expect(intent?.max_iter).toBe(staticIntent?.max_iter);
    // llm merges key by key: the static temperature survives the row's model code.
    expect(intent?.llm).toEqual({ ...staticIntent?.llm, model_code: "deepseek-v3.2" });
    expect(intent?.source).toEqual({ table: "system_agents", id: "row-1", version: 1 });
  });

  it("ignores a disabled row, even one with a higher version", () => {
    const resolved = resolveAgentRuntimeConfig(
      [
        systemAgentRow({ id: "on", version: 1, llm: { model_code: "deepseek-v3.2" } }),
        systemAgentRow({ id: "off", version: 5, enabled: false, llm: { model_code: "gpt-4.1" } }),
      ],
      staticConfig,
    );

    expect(resolved.agents.intent?.llm.model_code).toBe("deepseek-v3.2");
    expect(resolved.agents.intent?.source).toMatchObject({ id: "on" });
  });

  it("leaves the static agent untouched when its only row is disabled", () => {
    const resolved = resolveAgentRuntimeConfig(
      [systemAgentRow({ enabled: false, role: "Overridden", llm: { model_code: "gpt-4.1" } })],
      staticConfig,
    );

    expect(resolved.agents.intent).toEqual(staticConfig.agents.intent);
  });

  it("uses the enabled row with the highest version when several exist", () => {
    const resolved = resolveAgentRuntimeConfig(
      [
        systemAgentRow({ id: "v3", version: 3, llm: { model_code: "gpt-4.1" } }),
        systemAgentRow({ id: "v7", version: 7, llm: { model_code: "claude-sonnet-4-5" } }),
        systemAgentRow({ id: "v5", version: 5, llm: { model_code: "deepseek-v3.2" } }),
      ],
      staticConfig,
    );

    expect(resolved.agents.intent?.llm.model_code).toBe("claude-sonnet-4-5");
    expect(resolved.agents.intent?.source).toEqual({
      table: "system_agents",
      id: "v7",
      version: 7,
    });
  });
});
