import { jsonSchema, type Tool, tool } from "ai";
import type { ClientTool } from "../../domain/state-snapshot.js";
import { createToolNameMap, type ToolNameMap } from "../../domain/tool-policy.js";
import type { AgentConfig, ToolConfig } from "../config/runtime-config.js";

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} };

export interface OfferedTools {
  /** AI SDK tools keyed by provider function name; none has `execute`: the crew decides. */
  tools: Record<string, Tool>;
  names: ToolNameMap;
}

/**
 * The tools one agent step may call: the agent's configured backend tools, plus (in a chat
 * stage) the tools the client declared. Names are mapped to provider-safe function names;
 * `historyToolNames` keeps names used earlier in the conversation mappable both ways.
 */
export function offeredTools({
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
}): OfferedTools {
  const definitions = new Map<
    string,
    { description: string; parameters: Record<string, unknown> }
  >();
  for (const name of agent.tools) {
    const backend = backendTools[name];
    // Approval-gated tools pause the run, which only a chat stage can do.
    if (backend && (includeClientTools || !backend.requires_approval)) {
      definitions.set(name, { description: backend.description, parameters: backend.parameters });
    }
  }
  if (includeClientTools) {
    for (const client of clientTools) {
      definitions.set(client.name, {
        description: client.description,
        parameters: client.parameters ?? EMPTY_OBJECT_SCHEMA,
      });
    }
  }
  const names = createToolNameMap([...definitions.keys(), ...historyToolNames]);
  const tools: Record<string, Tool> = {};
  for (const [name, definition] of definitions) {
    tools[names.toProvider(name)] = tool({
      description: definition.description,
      inputSchema: jsonSchema(definition.parameters as Parameters<typeof jsonSchema>[0]),
    });
  }
  return { tools, names };
}
