import type { CrewStage } from "./crew-factory.js";

/**
 * The stage's system prompt, CrewAI style: who the agent is, the task and what a good answer
 * looks like (`expected_output`, Markdown or the JSON Schema it must follow), and the outputs
 * of the earlier stages it takes as context.
 */
export function systemPrompt({
  stage,
  stageOutputs,
}: {
  stage: CrewStage;
  stageOutputs: Readonly<Record<string, { output: string }>>;
}): string {
  const { agent, task } = stage;
  const lines = [
    `You are ${agent.role}. ${agent.backstory}`.trim(),
    `Your personal goal is: ${agent.goal}`,
    "",
    `Current task: ${task.description}`,
    `Expected output: ${task.expectedOutput}`,
    "Give the complete content as your final answer, not a summary of it.",
  ];
  if (task.markdown) lines.push("Format your final answer in Markdown.");
  if (task.output) {
    lines.push(
      "Your final answer must be one JSON value, valid against this JSON Schema, and nothing else (no prose, no code fences):",
      JSON.stringify(task.output.schema),
    );
  }
  const context = task.contextStages
    .map((name) => [name, stageOutputs[name]?.output] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  if (context.length > 0) {
    lines.push("", "Context from earlier stages:");
    for (const [name, output] of context) lines.push(`- ${name}: ${output}`);
  }
  return lines.join("\n");
}
