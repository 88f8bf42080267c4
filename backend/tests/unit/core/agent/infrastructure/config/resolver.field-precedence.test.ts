import { describe, expect, it } from "vitest";
import {
  defaultStaticConfigDirectory,
  readStaticCrewConfig,
  resolveAgentRuntimeConfig,
} from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { systemAgentRow } from "./config-test-support.js";

const staticConfig = readStaticCrewConfig(defaultStaticConfigDirectory());

describe("resolveAgentRuntimeConfig field precedence", () => {
  it("overrides prompts, name, tools and max_iter with the row's non-null columns", () => {
    const resolved = resolveAgentRuntimeConfig(
      [
        systemAgentRow({
          agent_type: "responder",
          name: "Support bot",
          role: "Support agent",
          goal: "Solve the customer's problem.",
          tools: ["srv.get_current_time", "ui.navigate_to"],
          max_iter: 4,
        }),
      ],
      staticConfig,
    );
    const responder = resolved.agents.responder;

    expect(responder).toMatchObject({
      name: "Support bot",
      role: "Support agent",
      goal: "Solve the customer's problem.",
      backstory: staticConfig.agents.responder?.backstory,
      tools: ["srv.get_current_time", "ui.navigate_to"],
      max_iter: 4,
    });
  });

  it("treats an empty tools array as 'no tools', not as absent", () => {
    const resolved = resolveAgentRuntimeConfig(
      [systemAgentRow({ agent_type: "responder", tools: [] })],
      staticConfig,
    );

    expect(resolved.agents.responder?.tools).toEqual([]);
  });

  it("keeps the static llm value of a key the row sets to null", () => {
    const resolved = resolveAgentRuntimeConfig(
      [systemAgentRow({ agent_type: "responder", llm: { temperature: null, max_tokens: 256 } })],
      staticConfig,
    );

    expect(resolved.agents.responder?.llm).toEqual({ temperature: 0.3, max_tokens: 256 });
  });

  it("merges config jsonb keys into the agent's fields and extra, below the columns", () => {
    const resolved = resolveAgentRuntimeConfig(
      [
        systemAgentRow({
          agent_type: "responder",
          role: "Column role",
          llm: { model_code: "gpt-4.1" },
          config: {
            role: "Config role",
            allow_delegation: true,
            llm: { model_code: "gpt-4o-mini", top_p: 0.9 },
            verbose: true,
          },
        }),
      ],
      staticConfig,
    );
    const responder = resolved.agents.responder;

    expect(responder?.role).toBe("Column role");
    expect(responder?.allow_delegation).toBe(true);
    expect(responder?.llm).toEqual({ temperature: 0.3, top_p: 0.9, model_code: "gpt-4.1" });
    expect(responder?.extra).toEqual({ verbose: true });
    expect(resolved.warnings.some((warning) => warning.includes('"verbose"'))).toBe(true);
  });

  it("does not modify the static config it is given", () => {
    const before = structuredClone(staticConfig);

    resolveAgentRuntimeConfig(
      [systemAgentRow({ agent_type: "intent", role: "Changed", llm: { model_code: "gpt-4.1" } })],
      staticConfig,
    );

    expect(staticConfig).toEqual(before);
  });

  it("returns the static config unchanged, warnings included, when there are no rows", () => {
    const resolved = resolveAgentRuntimeConfig([], staticConfig);

    expect(resolved.agents).toEqual(staticConfig.agents);
    expect(resolved.tasks).toEqual(staticConfig.tasks);
    expect(resolved.tools).toEqual(staticConfig.tools);
    expect(resolved.models).toEqual(staticConfig.models);
    expect(resolved.default_workflow).toBe("default");
    expect(resolved.warnings).toEqual(staticConfig.warnings);
  });
});
