import { FRONTEND_TOOL_PREFIX } from "../../domain/tool-policy.js";
import type { KeySegment } from "./key-path.js";
import type { AgentConfig } from "./runtime-config.js";

export interface ReferenceProblem {
  path: KeySegment[];
  message: string;
}

/**
 * Tools and model code an agent names that do not exist. `ui.*` tools are frontend tools the
 * client declares with each run, so they cannot be checked here.
 */
export function agentReferenceProblems(input: {
  agent: Pick<AgentConfig, "tools" | "llm">;
  toolNames: ReadonlySet<string>;
  modelCodes: ReadonlySet<string>;
}): ReferenceProblem[] {
  const { agent, toolNames, modelCodes } = input;
  const problems: ReferenceProblem[] = [];
  for (const [index, tool] of agent.tools.entries()) {
    if (!tool.startsWith(FRONTEND_TOOL_PREFIX) && !toolNames.has(tool)) {
      problems.push({ path: ["tools", index], message: `unknown tool "${tool}"` });
    }
  }
  const modelCode = agent.llm.model_code;
  if (modelCode !== undefined && !modelCodes.has(modelCode)) {
    problems.push({ path: ["llm", "model_code"], message: `unknown model code "${modelCode}"` });
  }
  return problems;
}
