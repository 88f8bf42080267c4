import { describe, expect, it } from "vitest";
import { readStaticCrewConfig } from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { configErrorFrom, problemLocations, writeConfigDirectory } from "./config-test-support.js";

const TASKS =
  "write:\n  description: Write about {topic}\n  expected_output: Text\n  agent: writer\n";
const MODELS =
  "gpt-4.1:\n  provider: openai\n  model: gpt-4.1\ndeepseek-v3.2:\n  provider: deepseek\n  model: deepseek-chat\n";

function agentWithLlm(llm: string): string {
  return `writer:\n  role: Writer\n  goal: Write.\n  backstory: You write.\n  llm: ${llm}\n`;
}

function llmWarnings(warnings: readonly string[]): string[] {
  return warnings.filter((warning) => warning.startsWith("agents.yaml: writer.llm: "));
}

function readWithLlm(llm: string) {
  const directory = writeConfigDirectory({
    "agents.yaml": agentWithLlm(llm),
    "tasks.yaml": TASKS,
    "models.yaml": MODELS,
  });
  return readStaticCrewConfig(directory);
}

describe("an agent's llm field", () => {
  it("accepts a model code as a plain string", () => {
    expect(readWithLlm("deepseek-v3.2").agents.writer?.llm).toEqual({
      model_code: "deepseek-v3.2",
    });
  });

  it("maps a CrewAI provider/model string to the model code models.yaml gives that model", () => {
    const config = readWithLlm("openai/gpt-4.1");

    expect(config.agents.writer?.llm).toEqual({ model_code: "gpt-4.1" });
    expect(llmWarnings(config.warnings)).toEqual([]);
  });

  it("maps a CrewAI mapping with `model` the same way and keeps its other keys", () => {
    const config = readWithLlm("{ model: openai/gpt-4.1, temperature: 0.1, base_url: http://x }");

    expect(config.agents.writer?.llm).toEqual({
      model_code: "gpt-4.1",
      temperature: 0.1,
      base_url: "http://x",
    });
  });

  it("keeps an unmatched CrewAI string as llm.model with a warning instead of failing", () => {
    const config = readWithLlm("groq/llama-3.3-70b-versatile");

    expect(config.agents.writer?.llm).toEqual({ model: "groq/llama-3.3-70b-versatile" });
    expect(llmWarnings(config.warnings)).toHaveLength(1);
  });

  it("rejects an explicit model_code that models.yaml does not define", () => {
    const error = configErrorFrom(() => readWithLlm("{ model_code: gpt-99 }"));

    expect(problemLocations(error)).toEqual(["agents.yaml: writer.llm.model_code"]);
  });

  it("rejects out-of-range sampling settings and a value that is neither string nor mapping", () => {
    const ranges = configErrorFrom(() =>
      readWithLlm("{ temperature: 3, max_tokens: 0.5, top_p: 0 }"),
    );
    const wrongType = configErrorFrom(() => readWithLlm("42"));

    expect(problemLocations(ranges)).toEqual([
      "agents.yaml: writer.llm.temperature",
      "agents.yaml: writer.llm.max_tokens",
      "agents.yaml: writer.llm.top_p",
    ]);
    expect(problemLocations(wrongType)).toEqual(["agents.yaml: writer.llm"]);
  });
});
