import type { JSONSchema7, LanguageModelV3FunctionTool } from "@ai-sdk/provider";
import type { ClientTool } from "../../domain/state-snapshot.js";
import { createToolNameMap, type ToolNameMap } from "../../domain/tool-policy.js";
import type { AgentConfig, ToolConfig } from "../config/runtime-config.js";

const EMPTY_OBJECT_SCHEMA: JSONSchema7 = { type: "object", properties: {} };

export interface FunctionTools {
  /** Tools as the model is offered them, under provider-safe function names. */
  tools: LanguageModelV3FunctionTool[];
  names: ToolNameMap;
}

/**
 * The tools one agent step may call: the agent's configured backend tools, plus (in a chat
 * stage) the tools the client declared. Approval-gated tools pause the run, which only a chat
 * stage can do, so context stages are not offered them. `historyToolNames` keeps names used
 * earlier in the conversation mappable both ways.
 */
export function offeredFunctionTools({
  agent,
  backendTools,
  clientTools,
  includeClientTools,
  historyToolNames,
}: {
  agent: AgentConfig;
  backendTools: Readonly<Record<string, ToolConfig>>;
  clientTools: readonly ClientTool[];
  includeClientTools: boolean;
  historyToolNames: readonly string[];
}): FunctionTools {
  const definitions = new Map<string, { description: string; parameters: JSONSchema7 }>();
  for (const name of agent.tools) {
    const backend = backendTools[name];
    // Approvals and questions pause the run, which only a chat stage can do.
    const pauses = backend?.requires_approval === true || backend?.interrupt !== undefined;
    if (backend && (includeClientTools || !pauses)) {
      definitions.set(name, {
        description: backend.description,
        parameters: backend.parameters as JSONSchema7,
      });
    }
  }
  if (includeClientTools) {
    for (const client of clientTools) {
      definitions.set(client.name, {
        description: client.description,
        parameters: (client.parameters as JSONSchema7 | undefined) ?? EMPTY_OBJECT_SCHEMA,
      });
    }
  }
  // Backend tools are named first: nothing a client declares or imports can rename them.
  const names = createToolNameMap([...definitions.keys(), ...historyToolNames], {
    reserved: Object.keys(backendTools),
  });
  const tools = [...definitions].map(
    ([name, definition]): LanguageModelV3FunctionTool => ({
      type: "function",
      name: names.toProvider(name),
      description: definition.description,
      inputSchema: definition.parameters,
    }),
  );
  return { tools, names };
}
