import type { KeySegment } from "./key-path.js";
import type { AgentConfig } from "./runtime-config.js";
import { type ToolCatalogue, toolSelectorProblem } from "./tool-selectors.js";

export interface ReferenceProblem {
  path: KeySegment[];
  message: string;
}

/**
 * Tools and model code an agent names that do not exist. `ui.*` tools are frontend tools the
 * client declares with each run, so they cannot be checked here; tools an MCP server lists are
 * checked when the worker has listed them.
 */
export function agentReferenceProblems(input: {
  agent: Pick<AgentConfig, "tools" | "llm">;
  tools: ToolCatalogue;
  modelCodes: ReadonlySet<string>;
}): ReferenceProblem[] {
  const { agent, tools, modelCodes } = input;
  const problems: ReferenceProblem[] = [];
  for (const [index, tool] of agent.tools.entries()) {
    const problem = toolSelectorProblem(tool, tools);
    if (problem) problems.push({ path: ["tools", index], message: problem });
  }
  const modelCode = agent.llm.model_code;
  if (modelCode !== undefined && !modelCodes.has(modelCode)) {
    problems.push({ path: ["llm", "model_code"], message: `unknown model code "${modelCode}"` });
  }
  return problems;
}
