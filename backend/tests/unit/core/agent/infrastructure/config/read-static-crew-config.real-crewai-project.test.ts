import { describe, expect, it } from "vitest";
import { readStaticCrewConfig } from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { fixtureDirectory } from "./config-test-support.js";

describe("a real CrewAI project's agents.yaml and tasks.yaml", () => {
  const directory = fixtureDirectory("real-project");

  it("loads unchanged, keeping the fields this runtime does not use in extra and reading the ones it does", () => {
    const config = readStaticCrewConfig(directory);

    expect(config.agents.researcher).toMatchObject({
      role: "{topic} Senior Data Researcher",
      goal: "Uncover cutting-edge developments in {topic}",
      llm: { model: "openai/gpt-4o" },
      max_iter: 10,
      extra: { verbose: true, max_rpm: 10 },
      source: { file: "agents.yaml", key: "researcher" },
    });
    expect(config.agents.reporting_analyst?.extra).toEqual({ verbose: true });
    expect(config.tasks.research_task?.extra).toEqual({ async_execution: false });
    expect(config.tasks.reporting_task).toMatchObject({
      agent: "reporting_analyst",
      context: ["research_task"],
      markdown: true,
      human_input: false,
      extra: { output_file: "report.md" },
    });
  });

  it("runs the tasks in file order when there is no workflow.yaml, the last one as chat", () => {
    const config = readStaticCrewConfig(directory);

    expect(config.default_workflow).toBe("default");
    expect(config.workflows.default?.stages).toEqual([
      { name: "research_task", agent: "researcher", task: "research_task", output: "context" },
      {
        name: "reporting_task",
        agent: "reporting_analyst",
        task: "reporting_task",
        output: "chat",
      },
    ]);
  });

  it("reports each unused field once per file, naming every entry that has it", () => {
    const { warnings } = readStaticCrewConfig(directory);

    const verbose = warnings.filter((warning) => warning.includes('field "verbose"'));
    expect(verbose).toHaveLength(1);
    expect(verbose[0]).toMatch(/^agents\.yaml: .*\(researcher, reporting_analyst\)/);
    for (const field of ["max_rpm", "async_execution", "output_file"]) {
      expect(warnings.filter((warning) => warning.includes(`field "${field}"`))).toHaveLength(1);
    }
    for (const field of ["markdown", "human_input"]) {
      expect(warnings.some((warning) => warning.includes(`field "${field}"`))).toBe(false);
    }
    expect(warnings.some((warning) => warning.startsWith("agents.yaml: researcher.llm:"))).toBe(
      true,
    );
    expect(warnings.some((warning) => warning.startsWith("workflow.yaml:"))).toBe(true);
    expect(warnings).toHaveLength(6);
  });
});
