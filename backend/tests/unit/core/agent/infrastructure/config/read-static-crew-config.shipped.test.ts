import { isAbsolute, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  defaultStaticConfigDirectory,
  readStaticCrewConfig,
} from "../../../../../../src/core/agent/infrastructure/config/index.js";

describe("the shipped static config", () => {
  const directory = defaultStaticConfigDirectory();

  it("lives in src/core/config/static/crewai", () => {
    expect(isAbsolute(directory)).toBe(true);
    expect(directory.endsWith(join("src", "core", "config", "static", "crewai"))).toBe(true);
  });

  it("loads with no error and no warning", () => {
    const config = readStaticCrewConfig(directory);

    expect(config.warnings).toEqual([]);
  });

  it("runs intent as context, then respond as chat, in the default workflow", () => {
    const config = readStaticCrewConfig(directory);

    expect(config.default_workflow).toBe("default");
    expect(config.workflows.default?.stages).toEqual([
      { name: "intent", agent: "intent", task: "classify_intent", output: "context" },
      { name: "respond", agent: "responder", task: "respond_to_user", output: "chat" },
    ]);
    expect(config.workflows.single?.stages).toEqual([
      { name: "respond", agent: "responder", task: "respond_to_user", output: "chat" },
    ]);
  });

  it("gives the intent agent no tools and the responder both backend tools, pinning no model", () => {
    const config = readStaticCrewConfig(directory);

    expect(config.agents.intent?.tools).toEqual([]);
    expect(config.agents.responder?.tools).toEqual(["srv.get_current_time", "srv.transfer_funds"]);
    for (const agent of Object.values(config.agents)) expect(agent.llm.model_code).toBeUndefined();
  });

  it("ships a direct time tool and an approval-gated, side-effecting transfer tool", () => {
    const { tools } = readStaticCrewConfig(directory);

    expect(tools["srv.get_current_time"]).toMatchObject({
      requires_approval: false,
      side_effects: false,
      handler: "builtin.get_current_time",
      parameters: { type: "object", properties: { timezone: { type: "string" } } },
    });
    expect(tools["srv.get_current_time"]?.parameters.required).toBeUndefined();
    expect(tools["srv.transfer_funds"]).toMatchObject({
      requires_approval: true,
      approval_ttl_seconds: 3600,
      side_effects: true,
      handler: "builtin.transfer_funds",
      parameters: {
        type: "object",
        properties: {
          amount: { type: "number" },
          currency: { type: "string" },
          to_account: { type: "string" },
        },
        required: ["amount", "currency", "to_account"],
      },
    });
  });

  it("maps model codes to providers, with the DeepSeek V3.2 prices as exact decimal strings", () => {
    const { models } = readStaticCrewConfig(directory);

    expect(models["deepseek-v3.2"]).toEqual({
      code: "deepseek-v3.2",
      provider: "deepseek",
      model: "deepseek-chat",
      price_override: { input_mtok: "0.28", output_mtok: "0.42", cache_read_mtok: "0.028" },
    });
    expect(models["deepseek-v4-flash"]).toMatchObject({ provider: "deepseek" });
    expect(models["deepseek-reasoner"]).toMatchObject({ provider: "deepseek" });
    expect(models["gpt-4o-mini"]).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
    expect(models["gpt-4.1"]).toMatchObject({ provider: "openai", model: "gpt-4.1" });
    expect(models["claude-sonnet-4-5"]).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
    });
    expect(models["openai-compatible"]).toEqual({
      code: "openai-compatible",
      provider: "openai-compatible",
    });
    expect(models.demo).toEqual({ code: "demo", provider: "demo" });
  });
});
