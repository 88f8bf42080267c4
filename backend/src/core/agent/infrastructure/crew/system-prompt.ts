import type { CrewStage } from "./crew-factory.js";

/**
 * The stage's system prompt, CrewAI style: who the agent is, the task and what a good answer
 * looks like, and the outputs of the earlier stages it depends on.
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
  ];
  const context = task.contextStages
    .map((name) => [name, stageOutputs[name]?.output] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  if (context.length > 0) {
    lines.push("", "Context from earlier stages:");
    for (const [name, output] of context) lines.push(`- ${name}: ${output}`);
  }
  return lines.join("\n");
}
