import { describe, expect, it } from "vitest";
import { systemAgentRow } from "../config/config-test-support.js";
import { crewAiFixtureDirectory, crewRuntimeFor } from "./crew-runtime-fixture.js";

describe("CrewRuntime.buildCrew", () => {
  it("test_runtime_creates_agents_tasks_from_resolved_config: the default workflow has its agents and tasks, with {message} filled in and the default model applied", async () => {
    const runtime = crewRuntimeFor({ defaultModelCode: "gpt-4o-mini" });

    const crew = await runtime.buildCrew({ message: "hello" });

    expect(crew.workflow).toBe("default");
    expect(crew.agents.length).toBeGreaterThanOrEqual(1);
    expect(crew.agents.map((agent) => agent.agentType)).toEqual(["intent", "responder"]);
    expect(crew.tasks.map((task) => [task.name, task.agentType])).toEqual([
      ["classify_intent", "intent"],
      ["respond_to_user", "responder"],
    ]);
    expect(crew.stages.map((stage) => [stage.index, stage.name, stage.output])).toEqual([
      [0, "intent", "context"],
      [1, "respond", "chat"],
    ]);
    const [classify, respond] = crew.tasks;
    expect(classify?.description).toContain("User's latest message: hello");
    expect(respond?.description).toContain("Reply to the user's latest message: hello");
    for (const task of crew.tasks) expect(task.description).not.toContain("{message}");
    expect(crew.missingVariables).toEqual([]);
    // No shipped agent pins a model: every one gets llm.default_model_code.
    expect(crew.agents.map((agent) => agent.modelCode)).toEqual(["gpt-4o-mini", "gpt-4o-mini"]);
  });

  it("carries each agent's prompt pieces, tools and max_iter from the config, and the respond task's context stage", async () => {
    const crew = await crewRuntimeFor().buildCrew({ message: "what time is it?" });

    const responder = crew.agents.find((agent) => agent.agentType === "responder");
    expect(responder).toMatchObject({
      role: "Helpful assistant",
      tools: ["srv.get_current_time", "srv.transfer_funds"],
      maxIter: 10,
    });
    expect(responder?.goal).toMatch(/^Answer the user's latest message/);
    expect(crew.agents.find((agent) => agent.agentType === "intent")?.maxIter).toBe(2);
    expect(crew.stages[1]?.task.contextStages).toEqual(["intent"]);
    expect(crew.stages[0]?.task.contextStages).toEqual([]);
    expect(crew.tasks[1]?.expectedOutput).toContain("A helpful, concise reply");
  });

  it("uses the model a system_agents row pins over the default, and the default for the others", async () => {
    const runtime = crewRuntimeFor({
      defaultModelCode: "gpt-4o-mini",
      systemAgents: [
        systemAgentRow({ agent_type: "intent", llm: { model_code: "deepseek-v3.2" } }),
      ],
    });

    const crew = await runtime.buildCrew({ message: "hello" });

    expect(
      Object.fromEntries(crew.agents.map((agent) => [agent.agentType, agent.modelCode])),
    ).toEqual({ intent: "deepseek-v3.2", responder: "gpt-4o-mini" });
  });

  it("builds the named workflow instead of the default one", async () => {
    const crew = await crewRuntimeFor().buildCrew({ message: "hello", workflow: "single" });

    expect(crew.workflow).toBe("single");
    expect(crew.stages.map((stage) => stage.name)).toEqual(["respond"]);
    expect(crew.agents.map((agent) => agent.agentType)).toEqual(["responder"]);
  });

  it("refuses a workflow the config does not define", async () => {
    await expect(
      crewRuntimeFor().buildCrew({ message: "hello", workflow: "no-such-workflow" }),
    ).rejects.toThrow(/no-such-workflow/);
  });

  it("fills CrewAI placeholders of a real CrewAI project from the stage outputs and lists the ones nothing filled", async () => {
    const runtime = crewRuntimeFor({
      directory: crewAiFixtureDirectory("real-project"),
      defaultModelCode: "deepseek-v3.2",
    });

    const crew = await runtime.buildCrew({ message: "hello", stageOutputs: { topic: "AI LLMs" } });

    const researcher = crew.agents.find((agent) => agent.agentType === "researcher");
    expect(researcher?.role).toBe("AI LLMs Senior Data Researcher");
    expect(researcher?.goal).toBe("Uncover cutting-edge developments in AI LLMs");
    // `llm: openai/gpt-4o` names no model code of ours (kept as llm.model, with a warning),
    // so both agents run on the default model.
    expect(researcher?.config.llm).toMatchObject({ model: "openai/gpt-4o" });
    expect(crew.agents.map((agent) => agent.modelCode)).toEqual(["deepseek-v3.2", "deepseek-v3.2"]);
    expect(crew.tasks[0]?.description).toContain("Conduct a thorough research about AI LLMs");
    expect(crew.tasks[0]?.description).toContain("{current_year}");
    expect(crew.missingVariables).toEqual(["current_year"]);
  });
});
