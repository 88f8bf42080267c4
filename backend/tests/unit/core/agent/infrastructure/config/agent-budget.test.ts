import { describe, expect, it } from "vitest";
import {
  readStaticCrewConfig,
  resolveAgentRuntimeConfig,
} from "../../../../../../src/core/agent/infrastructure/config/index.js";
import {
  configErrorFrom,
  problemLocations,
  systemAgentRow,
  writeConfigDirectory,
} from "./config-test-support.js";

const TASKS = `
answer:
  description: Answer {message}
  expected_output: An answer
  agent: helper
`;

function agentsWith(budget: string): string {
  return `
helper:
  role: Helper
  goal: Help
  backstory: Helpful
${budget}
`;
}

describe("an agent's budget (agents.yaml `budget`, system_agents `config.budget`)", () => {
  it("reads session and run limits, USD kept exact, null lifting a default", () => {
    const config = readStaticCrewConfig(
      writeConfigDirectory({
        "agents.yaml": agentsWith(`  budget:
    run: { usd: 0.5, tokens: 200000 }
    session: { usd: "2.000000000001", tokens: null }`),
        "tasks.yaml": TASKS,
      }),
    );
    expect(config.agents.helper?.budget).toEqual({
      run: { usd: "0.5", tokens: 200_000 },
      session: { usd: "2.000000000001", tokens: null },
    });
    expect(config.agents.helper?.extra).toEqual({});
  });

  it("refuses budgets that are not limits, naming the key", () => {
    const error = configErrorFrom(() =>
      readStaticCrewConfig(
        writeConfigDirectory({
          "agents.yaml": agentsWith(`  budget:
    run: { usd: -1 }
    user: { usd: 5 }`),
          "tasks.yaml": TASKS,
        }),
      ),
    );
    expect(problemLocations(error).join("\n")).toContain("agents.yaml: helper.budget");
  });

  it("lets a system_agents row set or replace the agent's budget through its config", () => {
    const staticConfig = readStaticCrewConfig(
      writeConfigDirectory({
        "agents.yaml": agentsWith("  budget: { run: { usd: 1 } }"),
        "tasks.yaml": TASKS,
      }),
    );
    const resolved = resolveAgentRuntimeConfig(
      [systemAgentRow({ agent_type: "helper", config: { budget: { run: { usd: "0.01" } } } })],
      staticConfig,
    );
    expect(resolved.agents.helper?.budget).toEqual({ run: { usd: "0.01" } });
    const untouched = resolveAgentRuntimeConfig(
      [systemAgentRow({ agent_type: "helper", max_iter: 3 })],
      staticConfig,
    );
    expect(untouched.agents.helper?.budget).toEqual({ run: { usd: "1" } });
  });
});
