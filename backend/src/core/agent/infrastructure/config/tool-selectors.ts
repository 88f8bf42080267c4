import { FRONTEND_TOOL_PREFIX } from "../../domain/tool-policy.js";
import { BUILTIN_SOURCE } from "./parse-tool-sources.js";
import {
  TOOL_SOURCE_KINDS,
  type ToolConfig,
  type ToolSourceConfig,
  type ToolSourceKind,
} from "./runtime-config.js";

/*
 * An agent's `tools:` entry is a selector: a tool name (`srv.get_current_time`, `ui.navigate`),
 * or tools of one source, `<kind>:<source>/*` or `<kind>:<source>/<tool>`
 * (`mcp:github/*`, `http:crm/create_ticket`, `builtin:builtin/get_current_time`).
 */

export type ToolSelector =
  | { type: "name"; name: string }
  | { type: "source"; kind: ToolSourceKind; source: string; tool: string };

const SOURCE_SELECTOR = /^([a-z]+):([^/\s]+)\/(\S+)$/;

/** Parses one selector; a `kind:` prefix of no known kind is an error message. */
export function parseToolSelector(text: string): ToolSelector | { error: string } {
  const match = SOURCE_SELECTOR.exec(text);
  if (!match) {
    return text.includes(":")
      ? { error: `"${text}" is neither a tool name nor <kind>:<source>/<tool or *>` }
      : { type: "name", name: text };
  }
  const [, kind = "", source = "", tool = ""] = match;
  if (!(TOOL_SOURCE_KINDS as readonly string[]).includes(kind)) {
    return { error: `unknown source kind "${kind}" (${TOOL_SOURCE_KINDS.join(", ")})` };
  }
  return { type: "source", kind: kind as ToolSourceKind, source, tool };
}

/** The source a tool's handler id names (`crm.create_ticket` → `crm`). */
export function handlerSource(handler: string): string {
  const dot = handler.indexOf(".");
  return dot < 0 ? handler : handler.slice(0, dot);
}

/** The handler's name in its source (`crm.create_ticket` → `create_ticket`). */
export function handlerName(handler: string): string {
  const dot = handler.indexOf(".");
  return dot < 0 ? "" : handler.slice(dot + 1);
}

/** The tools and sources an agent's selectors resolve against. */
export interface ToolCatalogue {
  /** Every tool name tools.yaml declares (whether or not its entry parsed). */
  toolNames: ReadonlySet<string>;
  /** The parsed tools (for selectors that name a source's handler). */
  tools: Readonly<Record<string, ToolConfig>>;
  sources: Readonly<Record<string, ToolSourceConfig>>;
}

function sourceKind(sources: ToolCatalogue["sources"], name: string): ToolSourceKind | undefined {
  if (name === BUILTIN_SOURCE) return "builtin";
  return Object.hasOwn(sources, name) ? sources[name]?.kind : undefined;
}

/**
 * Why a selector resolves to nothing, or undefined when it may resolve. MCP tools are only
 * known once the server lists them (on the worker), so a name under an MCP source's prefix is
 * accepted here and checked when the server answers.
 */
export function toolSelectorProblem(text: string, catalogue: ToolCatalogue): string | undefined {
  if (text.startsWith(FRONTEND_TOOL_PREFIX)) return undefined;
  const selector = parseToolSelector(text);
  if ("error" in selector) return selector.error;
  const { toolNames, tools, sources } = catalogue;
  if (selector.type === "name") {
    if (toolNames.has(selector.name)) return undefined;
    const mcp = Object.values(sources).some(
      (source) => source.kind === "mcp" && selector.name.startsWith(`${source.prefix}.`),
    );
    return mcp ? undefined : `unknown tool "${selector.name}"`;
  }
  const kind = sourceKind(sources, selector.source);
  if (kind === undefined) return `unknown tool source "${selector.source}"`;
  if (kind !== selector.kind) {
    return `"${selector.source}" is a ${kind} source, not ${selector.kind}`;
  }
  if (kind === "mcp") {
    const source = sources[selector.source];
    if (source?.kind === "mcp" && selector.tool !== "*") {
      if (source.include && !source.include.includes(selector.tool)) {
        return `"${selector.tool}" is not in ${selector.source}'s include list`;
      }
      if (source.exclude.includes(selector.tool)) {
        return `"${selector.tool}" is in ${selector.source}'s exclude list`;
      }
    }
    return undefined;
  }
  const matches = Object.values(tools).some(
    (tool) =>
      handlerSource(tool.handler) === selector.source &&
      (selector.tool === "*" || handlerName(tool.handler) === selector.tool),
  );
  return matches ? undefined : `no tool in tools.yaml uses ${selector.source}.${selector.tool}`;
}

/**
 * The tool names an agent's selectors stand for, in order, once each, against the tools
 * known now (tools.yaml plus what the MCP servers listed). A selector matching nothing adds
 * nothing: its server may not have answered yet.
 */
export function expandToolSelectors(
  selectors: readonly string[],
  tools: Readonly<Record<string, ToolConfig>>,
): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  for (const text of selectors) {
    const selector = parseToolSelector(text);
    if ("error" in selector) continue;
    if (selector.type === "name") {
      add(selector.name);
      continue;
    }
    for (const tool of Object.values(tools)) {
      if (
        handlerSource(tool.handler) === selector.source &&
        (selector.tool === "*" || handlerName(tool.handler) === selector.tool)
      ) {
        add(tool.name);
      }
    }
  }
  return names;
}
