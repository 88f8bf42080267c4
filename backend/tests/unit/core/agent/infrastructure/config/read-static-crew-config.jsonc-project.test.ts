import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  readStaticCrewConfig,
  resolveAgentRuntimeConfig,
} from "../../../../../../src/core/agent/infrastructure/config/index.js";
import {
  configErrorFrom,
  fixtureDirectory,
  problemLocations,
  writeConfigDirectory,
} from "./config-test-support.js";

function jsoncProject(crew: string, agents: Record<string, string>): string {
  const directory = writeConfigDirectory({ "crew.jsonc": crew });
  mkdirSync(join(directory, "agents"));
  for (const [name, content] of Object.entries(agents)) {
    writeFileSync(join(directory, "agents", `${name}.jsonc`), content);
  }
  return directory;
}

const AGENT = '{ "role": "R", "goal": "G", "backstory": "B" }';

describe("CrewAI's JSON-first layout (crew.jsonc + agents/*.jsonc)", () => {
  it("loads with comments and trailing commas, agent settings as agent fields", () => {
    const config = readStaticCrewConfig(fixtureDirectory("jsonc-crew"));

    expect(Object.keys(config.agents)).toEqual(["researcher", "reporting_analyst"]);
    expect(config.agents.researcher).toMatchObject({
      role: "{topic} Senior Data Researcher",
      max_iter: 3,
      allow_delegation: false,
      extra: { verbose: false },
    });
    expect(config.tasks.reporting_task).toMatchObject({
      agent: "reporting_analyst",
      context: ["research_task"],
      markdown: true,
    });
  });

  it("becomes one workflow named after the crew, with the crew's inputs as defaults", () => {
    const config = resolveAgentRuntimeConfig(
      [],
      readStaticCrewConfig(fixtureDirectory("jsonc-crew")),
    );

    expect(config.default_workflow).toBe("research_crew");
    expect(config.workflows.research_crew).toMatchObject({
      process: "sequential",
      inputs: { audience: "engineers" },
      stages: [
        { name: "research_task", agent: "researcher", output: "context" },
        { name: "reporting_task", agent: "reporting_analyst", output: "chat" },
      ],
    });
    expect(config.workflow_inputs.research_crew).toEqual([
      { name: "topic", required: true },
      { name: "audience", required: false, default: "engineers" },
    ]);
  });

  it("reports the crew fields it does not use once each, under crew.jsonc", () => {
    const { warnings } = readStaticCrewConfig(fixtureDirectory("jsonc-crew"));

    expect(warnings).toContain(
      'crew.jsonc: field "verbose" (crew) is a CrewAI field this runtime does not use; kept in extra',
    );
    expect(warnings).toContain(
      'crew.jsonc: field "memory" (crew) is a CrewAI field this runtime does not use; kept in extra',
    );
  });

  it("names the JSONC files in its problems: a syntax error, a missing agent file, a missing field", () => {
    const broken = jsoncProject('{ "agents": ["a"], "tasks": [ { "description": } ] }', {
      a: AGENT,
    });
    const syntax = configErrorFrom(() => readStaticCrewConfig(broken));
    expect(problemLocations(syntax)).toEqual(["crew.jsonc: line 1, column 48"]);

    const missing = jsoncProject(
      '{ "agents": ["a", "b"], "tasks": [{ "description": "d", "expected_output": "e", "agent": "a" }] }',
      { a: AGENT },
    );
    expect(problemLocations(configErrorFrom(() => readStaticCrewConfig(missing)))).toEqual([
      "agents/b.jsonc: (file)",
    ]);

    const incomplete = jsoncProject(
      '{ "agents": ["a"], "tasks": [{ "name": "t", "expected_output": "e", "agent": "a" }] }',
      { a: '{ "role": "R", "goal": "G" }' },
    );
    expect(problemLocations(configErrorFrom(() => readStaticCrewConfig(incomplete)))).toEqual([
      "agents/*.jsonc: a.backstory",
      "crew.jsonc: t.description",
    ]);
  });

  it('refuses process "hierarchical" there too', () => {
    const directory = jsoncProject(
      '{ "agents": ["a"], "process": "hierarchical", "manager_llm": "openai/gpt-4o", "tasks": [{ "description": "d", "expected_output": "e" }] }',
      { a: AGENT },
    );

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual(["crew.jsonc: workflows.default.process"]);
    expect(error.message).toContain('process "hierarchical" is not supported');
  });

  it("names unnamed tasks by position, as context cannot refer to them anyway", () => {
    const directory = jsoncProject(
      '{ "agents": ["a"], "tasks": [{ "description": "d", "expected_output": "e" }, { "description": "d2", "expected_output": "e2" }] }',
      { a: AGENT },
    );

    const config = readStaticCrewConfig(directory);

    expect(Object.keys(config.tasks)).toEqual(["task_1", "task_2"]);
    expect(config.tasks.task_2?.agent).toBe("a");
  });
});
