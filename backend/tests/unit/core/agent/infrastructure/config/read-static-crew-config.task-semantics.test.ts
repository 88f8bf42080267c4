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

const AGENT = "a:\n  role: R\n  goal: G\n  backstory: B\n";

function withTask(taskFields: string, workflow?: string): string {
  return writeConfigDirectory({
    "agents.yaml": AGENT,
    "tasks.yaml": `t:\n  description: d\n  expected_output: e\n  agent: a\n${taskFields}`,
    ...(workflow ? { "workflow.yaml": workflow } : {}),
  });
}

describe("CrewAI task fields", () => {
  it("reads output_json as the JSON Schema the answer must follow", () => {
    const config = readStaticCrewConfig(fixtureDirectory("marketing-crew"));

    expect(config.tasks.campaign_idea_task?.output).toMatchObject({
      field: "output_json",
      schema: { type: "object", required: ["campaigns"] },
    });
    expect(config.tasks.research_task?.output).toBeUndefined();
  });

  it("reads output_pydantic the same way", () => {
    const config = readStaticCrewConfig(
      withTask(
        "  output_pydantic:\n    type: object\n    properties: { score: { type: integer } }\n",
      ),
    );

    expect(config.tasks.t?.output).toEqual({
      field: "output_pydantic",
      schema: { type: "object", properties: { score: { type: "integer" } } },
    });
  });

  it("refuses a Python class name where a schema must be, saying what to give instead", () => {
    const error = configErrorFrom(() =>
      readStaticCrewConfig(withTask("  output_json: MarketStrategy\n")),
    );

    expect(problemLocations(error)).toEqual(["tasks.yaml: t.output_json"]);
    expect(error.message).toContain("not a Python class name");
    expect(error.message).toContain("model_json_schema()");
  });

  it("refuses a schema the validator cannot use, and two output schemas on one task", () => {
    const error = configErrorFrom(() =>
      readStaticCrewConfig(
        withTask("  output_json: { type: objekt }\n  output_pydantic: { type: object }\n"),
      ),
    );

    expect(problemLocations(error)).toEqual([
      "tasks.yaml: t.output_pydantic",
      "tasks.yaml: t.output_json.type",
    ]);
    expect(error.message).toContain("set output_json or output_pydantic, not both");
    expect(error.message).toContain("not a usable JSON Schema");
  });

  it("reads human_input and markdown, and keeps context absent (every earlier stage) apart from [] (none)", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": AGENT,
      "tasks.yaml": [
        "t1:\n  description: d\n  expected_output: e\n  agent: a\n  human_input: true\n",
        "t2:\n  description: d\n  expected_output: e\n  agent: a\n  markdown: true\n  context: []\n",
      ].join(""),
    });

    const config = readStaticCrewConfig(directory);

    expect(config.tasks.t1).toMatchObject({ human_input: true, markdown: false });
    expect(config.tasks.t1?.context).toBeUndefined();
    expect(config.tasks.t2).toMatchObject({ human_input: false, markdown: true, context: [] });
  });

  it('refuses process "hierarchical" with what to do instead, and any other unknown process', () => {
    const directory = writeConfigDirectory({
      "agents.yaml": AGENT,
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n",
      "workflow.yaml":
        "default: one\nworkflows:\n  one:\n    process: hierarchical\n    stages: [{ task: t }]\n  two:\n    process: consensual\n    stages: [{ task: t }]\n",
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual([
      "workflow.yaml: workflows.one.process",
      "workflow.yaml: workflows.two.process",
    ]);
    expect(error.message).toContain('process "hierarchical" is not supported');
    expect(error.message).toContain("Use process: sequential");
    expect(error.message).toContain('unknown process "consensual"');
  });

  it("warns when a stage takes context from a task no earlier stage of its workflow runs", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": AGENT,
      "tasks.yaml":
        "t1:\n  description: d\n  expected_output: e\n  agent: a\nt2:\n  description: d\n  expected_output: e\n  agent: a\n  context: [t1]\n",
      "workflow.yaml": "workflows:\n  only_t2:\n    stages: [{ task: t2 }]\n",
    });

    const { warnings } = readStaticCrewConfig(directory);

    expect(warnings).toContain(
      'workflow.yaml: workflows.only_t2.stages[0].task: task "t2" takes context from "t1", which no earlier stage of this workflow runs; it gets nothing from it here',
    );
  });
});

describe("workflow inputs", () => {
  it("lists each {placeholder} of a workflow's agents and tasks once, with defaults and built-ins", () => {
    const config = resolveAgentRuntimeConfig(
      [],
      readStaticCrewConfig(fixtureDirectory("marketing-crew")),
    );

    expect(config.workflow_inputs.marketing).toEqual([
      { name: "customer_domain", required: true },
      { name: "project_description", required: true },
      { name: "audience", required: false, default: "small businesses" },
    ]);
  });

  it("never lists {message} or an earlier stage's output, and marks current_year as built in", () => {
    const config = resolveAgentRuntimeConfig(
      [],
      readStaticCrewConfig(fixtureDirectory("game-builder-crew")),
    );

    expect(config.workflow_inputs.default).toEqual([
      { name: "game_language", required: true },
      { name: "game", required: true },
      { name: "current_year", required: false, builtin: "the current year (UTC)" },
    ]);
  });

  it("stringifies default values that are not strings, as CrewAI does", () => {
    const config = readStaticCrewConfig(
      withTask(
        "",
        "workflows:\n  w:\n    inputs: { year: 2026, tags: [a, b], draft: true, none: null }\n    stages: [{ task: t }]\n",
      ),
    );

    expect(config.workflows.w?.inputs).toEqual({ year: "2026", tags: '["a","b"]', draft: "true" });
  });

  it("refuses a placeholder that names the stage itself or a later stage: it could never be filled", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": AGENT,
      "tasks.yaml":
        "first:\n  description: uses {second}\n  expected_output: e\n  agent: a\nsecond:\n  description: uses {first}\n  expected_output: e\n  agent: a\n",
    });

    const error = configErrorFrom(() =>
      resolveAgentRuntimeConfig([], readStaticCrewConfig(directory)),
    );

    expect(problemLocations(error)).toEqual(["workflow.yaml: workflows.default.stages[0]"]);
    expect(error.message).toContain(
      'placeholder {second} names stage "second", which has not finished when stage "first" runs',
    );
  });

  it("follows a system_agents row that adds a placeholder to a prompt", () => {
    const config = resolveAgentRuntimeConfig(
      [
        {
          id: "row-1",
          agent_type: "writer",
          name: null,
          version: 1,
          enabled: true,
          llm: null,
          role: "{topic} writer for {team}",
          goal: null,
          backstory: null,
          tools: null,
          max_iter: null,
          config: null,
          updated_at: new Date("2026-01-01T00:00:00Z"),
        },
      ],
      readStaticCrewConfig(fixtureDirectory("review-crew")),
    );

    expect(config.workflow_inputs.review?.map((input) => input.name)).toEqual(["topic", "team"]);
  });
});
