import { describe, expect, it } from "vitest";
import {
  defaultStaticConfigDirectory,
  readStaticCrewConfig,
  resolveAgentRuntimeConfig,
} from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { configErrorFrom, problemLocations, systemAgentRow } from "./config-test-support.js";

const staticConfig = readStaticCrewConfig(defaultStaticConfigDirectory());

describe("resolveAgentRuntimeConfig with rows that break the config", () => {
  it("defines a new agent from a row that has role, goal and backstory", () => {
    const resolved = resolveAgentRuntimeConfig(
      [
        systemAgentRow({
          id: "new-1",
          agent_type: "summariser",
          role: "Summariser",
          goal: "Summarise the conversation.",
          backstory: "You write short summaries.",
        }),
      ],
      staticConfig,
    );

    expect(resolved.agents.summariser).toMatchObject({
      agent_type: "summariser",
      name: "summariser",
      llm: {},
      tools: [],
      max_iter: 10,
      allow_delegation: false,
      source: { table: "system_agents", id: "new-1", version: 1 },
    });
  });

  it("names each prompt field a row for an unknown agent type lacks", () => {
    const error = configErrorFrom(() =>
      resolveAgentRuntimeConfig(
        [systemAgentRow({ id: "new-2", agent_type: "summariser", role: "Summariser" })],
        staticConfig,
      ),
    );

    expect(problemLocations(error)).toEqual([
      "system_agents: system_agents[new-2].goal",
      "system_agents: system_agents[new-2].backstory",
    ]);
    expect(error.message).toContain("system_agents[new-2].goal");
  });

  it("rejects a row naming an unknown tool or model code, but accepts ui.* tools", () => {
    const error = configErrorFrom(() =>
      resolveAgentRuntimeConfig(
        [
          systemAgentRow({
            id: "bad-1",
            agent_type: "responder",
            tools: ["ui.navigate_to", "srv.nope"],
            llm: { model_code: "gpt-99" },
          }),
        ],
        staticConfig,
      ),
    );

    expect(problemLocations(error)).toEqual([
      "system_agents: system_agents[bad-1].tools[1]",
      "system_agents: system_agents[bad-1].llm.model_code",
    ]);
  });

  it("rejects invalid column values with the row and field", () => {
    const error = configErrorFrom(() =>
      resolveAgentRuntimeConfig(
        [systemAgentRow({ id: "bad-2", max_iter: 0, role: "  ", llm: { temperature: 7 } })],
        staticConfig,
      ),
    );

    expect(problemLocations(error)).toEqual([
      "system_agents: system_agents[bad-2].role",
      "system_agents: system_agents[bad-2].max_iter",
      "system_agents: system_agents[bad-2].llm.temperature",
    ]);
  });

  it("lists the problems of every row in one error", () => {
    const error = configErrorFrom(() =>
      resolveAgentRuntimeConfig(
        [
          systemAgentRow({ id: "a", agent_type: "intent", tools: ["srv.nope"] }),
          systemAgentRow({ id: "b", agent_type: "responder", llm: { model_code: "nope" } }),
        ],
        staticConfig,
      ),
    );

    expect(error.problems).toHaveLength(2);
    expect(error.file).toBe("system_agents");
    expect(error.key).toBe("system_agents[a].tools[0]");
  });

  it("does not check rows that are disabled or superseded by a higher version", () => {
    const resolved = resolveAgentRuntimeConfig(
      [
        systemAgentRow({ id: "old", version: 1, tools: ["srv.nope"] }),
        systemAgentRow({ id: "off", version: 9, enabled: false, llm: { model_code: "nope" } }),
        systemAgentRow({ id: "new", version: 2 }),
      ],
      staticConfig,
    );

    expect(resolved.agents.intent?.source).toMatchObject({ id: "new" });
  });
});
