import { ConfigError, type ConfigProblem, SYSTEM_AGENTS_TABLE } from "../config/config-error.js";
import { formatKeyPath } from "../config/key-path.js";
import type { RuntimeConfig, ToolSourceConfig } from "../config/runtime-config.js";
import { handlerName, handlerSource, parseToolSelector } from "../config/tool-selectors.js";
import { HttpToolSource } from "./http-tool-source.js";
import { McpToolSource } from "./mcp-tool-source.js";
import { ModuleToolSource } from "./module-tool-source.js";
import type { ToolCallMetrics } from "./tool-call-metrics.js";
import type { ToolLogger } from "./tool-handler.js";
import { type ToolCallDefaults, ToolSourceRegistry } from "./tool-source-registry.js";

const TOOLS_FILE = "tools.yaml";

export interface ToolSourceSettings extends ToolCallDefaults {
  mcpConnectTimeoutMs: number;
  /** settings tools.secrets */
  secrets: Readonly<Record<string, string>>;
}

/**
 * The worker's registry: the built-in source plus every tools.yaml source, started (MCP
 * servers connected and listed, modules imported). Throws a ConfigError naming file and key
 * when a source cannot be used (a secret not set, a module that does not load or lacks a
 * handler a tool names, an agent naming a tool its MCP server does not list); an MCP server
 * that is down is only logged, and its tools appear once it answers.
 */
export async function startToolSources(input: {
  config: Pick<RuntimeConfig, "tool_sources" | "tools" | "agents">;
  settings: ToolSourceSettings;
  logger: ToolLogger;
  metrics?: ToolCallMetrics;
}): Promise<ToolSourceRegistry> {
  const { config, settings, logger, metrics } = input;
  const problems: ConfigProblem[] = [];
  const secret = (name: string, key: string): string => {
    const value = settings.secrets[name];
    if (value === undefined) {
      problems.push({
        file: TOOLS_FILE,
        key,
        message: `secret "${name}" is not set (SOCIAL_TOOLS__SECRETS__${name.toUpperCase()})`,
      });
    }
    return value ?? "";
  };
  const registry = new ToolSourceRegistry(settings, metrics);
  const mcpSources: McpToolSource[] = [];
  const modules: ModuleToolSource[] = [];
  try {
    for (const source of Object.values(config.tool_sources)) {
      const key = `sources.${source.name}`;
      const limits = limitsOf(source);
      if (source.kind === "http") {
        const signing = source.signing_secret
          ? secret(source.signing_secret, `${key}.signing_secret`)
          : undefined;
        registry.add(new HttpToolSource(source, signing), limits);
      } else if (source.kind === "module") {
        try {
          const loaded = await ModuleToolSource.load(source);
          modules.push(loaded);
          registry.add(loaded, limits);
        } catch (error) {
          problems.push({ file: TOOLS_FILE, key: `${key}.path`, message: messageOf(error) });
        }
      } else {
        const { transport } = source;
        const secretEnv =
          transport.type === "stdio"
            ? resolveAll(transport.env_secrets, (name, variable) =>
                secret(name, `${key}.env_secrets.${variable}`),
              )
            : {};
        const secretHeaders =
          transport.type === "streamable_http"
            ? resolveAll(transport.header_secrets, (name, header) =>
                secret(name, `${key}.header_secrets.${header}`),
              )
            : {};
        const mcp = new McpToolSource(source, {
          secretEnv,
          secretHeaders,
          connectTimeoutMs: settings.mcpConnectTimeoutMs,
          logger,
          onToolsChanged: () => registry.changed(),
        });
        mcpSources.push(mcp);
        registry.add(mcp, limits);
      }
    }
    if (problems.length === 0) {
      await Promise.all(mcpSources.map((source) => source.start()));
      problems.push(...moduleHandlerProblems(config, modules));
      problems.push(...unlistedToolProblems(config, registry, mcpSources));
    }
    if (problems.length > 0) throw new ConfigError(problems);
  } catch (error) {
    await registry.close();
    throw error;
  }
  return registry;
}

function limitsOf(source: ToolSourceConfig) {
  return {
    ...(source.timeout_ms === undefined ? {} : { timeout_ms: source.timeout_ms }),
    ...(source.max_result_bytes === undefined ? {} : { max_result_bytes: source.max_result_bytes }),
  };
}

function resolveAll(
  names: Readonly<Record<string, string>>,
  resolve: (secretName: string, key: string) => string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(names).map(([key, secretName]) => [key, resolve(secretName, key)]),
  );
}

/** tools.yaml tools whose handler their module does not export. */
function moduleHandlerProblems(
  config: Pick<RuntimeConfig, "tools">,
  modules: readonly ModuleToolSource[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const tool of Object.values(config.tools)) {
    const module = modules.find((source) => source.name === handlerSource(tool.handler));
    if (module && !module.has(handlerName(tool.handler))) {
      problems.push({
        file: TOOLS_FILE,
        key: `${tool.name}.handler`,
        message: `the module of source "${module.name}" exports no function "${handlerName(tool.handler)}" (it exports: ${module.handlerNames().join(", ") || "none"})`,
      });
    }
  }
  return problems;
}

/**
 * Agents' tools that name one tool of an MCP server that answered but does not list it. A
 * server that is down cannot be asked; its names are checked when it answers (and logged).
 */
function unlistedToolProblems(
  config: Pick<RuntimeConfig, "agents" | "tool_sources">,
  registry: ToolSourceRegistry,
  mcpSources: readonly McpToolSource[],
): ConfigProblem[] {
  const listed = new Set(registry.listedTools().map((tool) => tool.name));
  const answered = new Set(mcpSources.filter((source) => source.listed).map((s) => s.name));
  const problems: ConfigProblem[] = [];
  for (const agent of Object.values(config.agents)) {
    for (const [index, text] of agent.tools.entries()) {
      const source = mcpSourceNamed(text, config.tool_sources);
      if (!source || !answered.has(source.source.name) || listed.has(source.tool)) continue;
      const location =
        "file" in agent.source
          ? { file: agent.source.file, key: formatKeyPath([agent.source.key, "tools", index]) }
          : {
              file: SYSTEM_AGENTS_TABLE,
              key: formatKeyPath([`system_agents[${agent.source.id}]`, "tools", index]),
            };
      problems.push({
        ...location,
        message: `MCP server "${source.source.name}" lists no tool "${source.tool}"`,
      });
    }
  }
  return problems;
}

/** The MCP source and full tool name one selector names, when it names one MCP tool. */
function mcpSourceNamed(
  text: string,
  sources: RuntimeConfig["tool_sources"],
): { source: ToolSourceConfig & { kind: "mcp" }; tool: string } | undefined {
  const selector = parseToolSelector(text);
  if ("error" in selector) return undefined;
  for (const source of Object.values(sources)) {
    if (source.kind !== "mcp") continue;
    if (selector.type === "name" && selector.name.startsWith(`${source.prefix}.`)) {
      return { source, tool: selector.name };
    }
    if (selector.type === "source" && selector.source === source.name && selector.tool !== "*") {
      return { source, tool: `${source.prefix}.${selector.tool}` };
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
