import type { ToolSourceConfig } from "../config/runtime-config.js";
import type { ToolCallMetrics } from "./tool-call-metrics.js";
import type { ToolLogger } from "./tool-handler.js";
import { type ToolCallDefaults, ToolSourceRegistry } from "./tool-source-registry.js";

export interface ToolSourceSettings extends ToolCallDefaults {
  mcpConnectTimeoutMs: number;
  /** settings tools.secrets */
  secrets: Readonly<Record<string, string>>;
}

/**
 * The worker's registry: the built-in source plus every tools.yaml source, started (MCP
 * servers connected and listed, modules imported). Throws when a source cannot be used at
 * all (a missing secret, a module that does not load); an MCP server that is down only
 * logs, and its tools appear once it answers.
 */
export async function startToolSources(input: {
  sources: Readonly<Record<string, ToolSourceConfig>>;
  settings: ToolSourceSettings;
  logger: ToolLogger;
  metrics?: ToolCallMetrics;
}): Promise<ToolSourceRegistry> {
  const { sources, settings, metrics } = input;
  const registry = new ToolSourceRegistry(settings, metrics);
  for (const source of Object.values(sources)) {
    throw new Error(`tools.yaml: sources.${source.name}: ${source.kind} sources are not wired yet`);
  }
  return registry;
}
