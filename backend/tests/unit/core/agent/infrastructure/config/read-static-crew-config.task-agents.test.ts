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

const THREE_AGENTS = ["a", "b", "c"]
  .map((name) => `${name}:\n  role: R${name}\n  goal: G\n  backstory: B\n`)
  .join("");

function tasksYaml(names: readonly string[], agents: Record<string, string> = {}): string {
  return names
    .map(
      (name) =>
        `${name}:\n  description: d ${name}\n  expected_output: e\n${agents[name] ? `  agent: ${agents[name]}\n` : ""}`,
    )
    .join("");
}

describe("tasks without agent:", () => {
  it("take the agent at the same position when there are as many agents as tasks, and say so once", () => {
    const config = readStaticCrewConfig(fixtureDirectory("game-builder-crew"));

    expect(config.workflows.default?.stages.map(({ task, agent }) => [task, agent])).toEqual([
      ["code_task", "senior_engineer_agent"],
      ["review_task", "qa_engineer_agent"],
      ["evaluate_task", "chief_qa_engineer_agent"],
    ]);
    const inferred = config.warnings.filter((warning) => warning.includes("same position"));
    expect(inferred).toEqual([
      'tasks.yaml: (agent): tasks without "agent:" use the agent at the same position in agents.yaml: code_task → senior_engineer_agent, review_task → qa_engineer_agent, evaluate_task → chief_qa_engineer_agent; add "agent:" to a task if crew.py pairs them differently',
    ]);
  });

  it("keep an explicit agent: and infer only the others", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": THREE_AGENTS,
      "tasks.yaml": tasksYaml(["t1", "t2", "t3"], { t2: "a" }),
    });

    const config = readStaticCrewConfig(directory);

    expect(config.tasks.t1?.agent).toBe("a");
    expect(config.tasks.t2?.agent).toBe("a");
    expect(config.tasks.t3?.agent).toBe("c");
  });

  it("take the only agent, whatever the number of tasks", () => {
    const config = readStaticCrewConfig(fixtureDirectory("review-crew"));

    expect(Object.values(config.tasks).map((task) => task.agent)).toEqual(["writer", "writer"]);
    expect(config.warnings).toContain(
      'tasks.yaml: (agent): tasks without "agent:" use the only agent: draft_task → writer, final_task → writer',
    );
  });

  it("take the agent each workflow.yaml stage names, where the counts say nothing", () => {
    const config = readStaticCrewConfig(fixtureDirectory("marketing-crew"));

    expect(config.workflows.marketing?.stages.map(({ name, agent }) => [name, agent])).toEqual([
      ["research_task", "lead_market_analyst"],
      ["project_understanding_task", "chief_marketing_strategist"],
      ["marketing_strategy_task", "chief_marketing_strategist"],
      ["campaigns", "creative_content_creator"],
      ["copy_creation_task", "creative_content_creator"],
    ]);
    expect(config.tasks.research_task?.agent).toBeUndefined();
  });

  it("are one config error that says how to fix them when neither a workflow nor the counts say which agent", () => {
    const error = configErrorFrom(() => readStaticCrewConfig(fixtureDirectory("ambiguous-agents")));

    expect(problemLocations(error)).toEqual([
      "tasks.yaml: financial_analysis, research, filings_analysis, recommend",
    ]);
    expect(error.message).toContain('add "agent: <agent name>" to the task in tasks.yaml');
    expect(error.message).toContain("or name the agent in the workflow.yaml stage that runs it");
    expect(error.message).toContain("agents.yaml has 3 agents and tasks.yaml 4 tasks");
  });

  it("make a workflow.yaml stage that names no agent a problem at that stage", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": THREE_AGENTS,
      "tasks.yaml": tasksYaml(["t1", "t2"]),
      "workflow.yaml":
        "workflows:\n  w:\n    stages:\n      - { task: t1, agent: a }\n      - { task: t2 }\n",
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual(["workflow.yaml: workflows.w.stages[1].agent"]);
    expect(error.message).toContain('task "t2" has no agent');
  });

  it("still refuse an agent: that names no agent", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": THREE_AGENTS,
      "tasks.yaml": tasksYaml(["t1", "t2", "t3"], { t1: "nobody" }),
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual(["tasks.yaml: t1.agent"]);
  });

  it("resolve into runnable workflows", () => {
    const config = resolveAgentRuntimeConfig(
      [],
      readStaticCrewConfig(fixtureDirectory("game-builder-crew")),
    );

    expect(config.workflow_stages).toEqual(["code_task", "review_task", "evaluate_task"]);
  });
});
