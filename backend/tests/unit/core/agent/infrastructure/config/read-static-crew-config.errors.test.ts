import { describe, expect, it } from "vitest";
import { readStaticCrewConfig } from "../../../../../../src/core/agent/infrastructure/config/index.js";
import {
  configErrorFrom,
  fixtureDirectory,
  problemLocations,
  writeConfigDirectory,
} from "./config-test-support.js";

describe("readStaticCrewConfig errors", () => {
  it("names the file, line and column of a YAML syntax error", () => {
    const error = configErrorFrom(() => readStaticCrewConfig(fixtureDirectory("broken-yaml")));

    expect(problemLocations(error)).toEqual(["agents.yaml: line 3, column 9"]);
    expect(error.file).toBe("agents.yaml");
    expect(error.message).toContain("agents.yaml: line 3, column 9:");
    expect(error.message).toContain("intent.goal");
  });

  it("names the task whose agent does not exist", () => {
    const error = configErrorFrom(() => readStaticCrewConfig(fixtureDirectory("unknown-agent")));

    expect(problemLocations(error)).toEqual(["tasks.yaml: respond_to_user.agent"]);
    expect(error.key).toBe("respond_to_user.agent");
    expect(error.message).toContain('tasks.yaml: respond_to_user.agent: unknown agent "x"');
  });

  it("refuses a tool name listed twice instead of keeping the last one", () => {
    const error = configErrorFrom(() => readStaticCrewConfig(fixtureDirectory("duplicate-tool")));

    expect(problemLocations(error)).toEqual(["tools.yaml: srv.get_current_time"]);
    expect(error.message).toContain("tools.yaml: srv.get_current_time: duplicate key (line 10");
  });

  it("lists every problem of every file in one error", () => {
    const error = configErrorFrom(() => readStaticCrewConfig(fixtureDirectory("many-problems")));

    expect(problemLocations(error)).toEqual([
      "models.yaml: gpt-4.1.model",
      "tools.yaml: srv.get_current_time",
      "tools.yaml: ui.navigate_to",
      "agents.yaml: intent.backstory",
      "agents.yaml: responder.max_iter",
      "agents.yaml: responder.tools[1]",
      "agents.yaml: responder.llm.model_code",
      "tasks.yaml: classify_intent.expected_output",
      "tasks.yaml: respond_to_user.context[0]",
      "tasks.yaml: respond_to_user.context[1]",
      "workflow.yaml: workflows.default.stages[0].agent",
      "workflow.yaml: workflows.default.stages[1].task",
      "workflow.yaml: default",
    ]);
  });

  it("names a duplicate key nested inside an entry", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": "intent:\n  role: A\n  goal: B\n  backstory: C\n  goal: D\n",
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n  agent: intent\n",
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual(["agents.yaml: intent.goal"]);
  });

  it("requires agents.yaml and tasks.yaml", () => {
    const directory = writeConfigDirectory({});

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual(["agents.yaml: (file)", "tasks.yaml: (file)"]);
  });

  it("rejects a file whose top level is not a mapping", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": "- intent\n- responder\n",
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n  agent: intent\n",
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual(["agents.yaml: (root)"]);
  });

  it("rejects a workflow stage naming an unknown agent and duplicate stage names", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": "a:\n  role: A\n  goal: B\n  backstory: C\n",
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n  agent: a\n",
      "workflow.yaml":
        "workflows:\n  main:\n    stages:\n      - { name: s, agent: nobody, task: t }\n      - { name: s, task: t }\n",
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual([
      "workflow.yaml: workflows.main.stages[0].agent",
      "workflow.yaml: workflows.main.stages[1].name",
    ]);
  });

  it("rejects an unknown process, an unknown output and a workflow without stages", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": "a:\n  role: A\n  goal: B\n  backstory: C\n",
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n  agent: a\n",
      "workflow.yaml": [
        "default: one",
        "workflows:",
        "  one:",
        "    process: hierarchical",
        "    stages: [{ task: t, output: screen }]",
        "  two:",
        "    stages: []",
        "",
      ].join("\n"),
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual([
      "workflow.yaml: workflows.one.process",
      "workflow.yaml: workflows.one.stages[0].output",
      "workflow.yaml: workflows.two.stages",
    ]);
  });

  it("rejects tool parameters that are not a JSON Schema object or require undeclared fields", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": "a:\n  role: A\n  goal: B\n  backstory: C\n",
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n  agent: a\n",
      "tools.yaml": [
        "srv.one:",
        "  description: One",
        "  handler: builtin.one",
        "  parameters: { type: string }",
        "srv.two:",
        "  description: Two",
        "  handler: builtin.two",
        "  parameters: { type: object, properties: { a: { type: string } }, required: [b] }",
        "srv.three:",
        "  description: Three",
        "",
      ].join("\n"),
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual([
      "tools.yaml: srv.one.parameters",
      "tools.yaml: srv.two.parameters.required",
      "tools.yaml: srv.three.handler",
    ]);
  });

  it("rejects a model with an unknown provider or a price that is not a decimal", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": "a:\n  role: A\n  goal: B\n  backstory: C\n",
      "tasks.yaml": "t:\n  description: d\n  expected_output: e\n  agent: a\n",
      "models.yaml": [
        "m1: { provider: mistral, model: x }",
        "m2: { provider: openai, model: x, price_override: { input_mtok: -1, output_mtok: '1,5' } }",
        "m3: { provider: openai, model: x, price_override: { input_mtok: 1 } }",
        "",
      ].join("\n"),
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual([
      "models.yaml: m1.provider",
      "models.yaml: m2.price_override.input_mtok",
      "models.yaml: m2.price_override.output_mtok",
      "models.yaml: m3.price_override.output_mtok",
    ]);
  });
});
