import { ToolNameConflictError, UnknownToolError } from "./errors.js";
import type { ToolCallMode } from "./tool-call-status.js";
import { toolNameLookalikeKey } from "./tool-name-map.js";

export {
  createToolNameMap,
  PROVIDER_FUNCTION_NAME,
  type ToolNameMap,
  toolNameLookalikeKey,
} from "./tool-name-map.js";

/** What the tool policy needs to know about a configured backend tool (tools.yaml). */
export type BackendToolPolicy = {
  name: string;
  requires_approval: boolean;
  approval_ttl_seconds?: number;
  /** An ask-the-user tool: its calls pause the run on an input interrupt. */
  interrupt?: object;
};

export type BackendToolPolicies =
  | ReadonlyMap<string, BackendToolPolicy>
  | Readonly<Record<string, BackendToolPolicy>>;

/** A tool the client declared in `RunAgentInput.tools`. */
export type DeclaredClientTool = { name: string };

export type ToolClassification =
  | { mode: Extract<ToolCallMode, "FRONTEND_EXECUTE"> }
  | {
      mode: Extract<
        ToolCallMode,
        "BACKEND_APPROVAL_INTERRUPT" | "BACKEND_DIRECT_EXECUTE" | "BACKEND_INPUT_INTERRUPT"
      >;
      policy: BackendToolPolicy;
    };

/** Tools named with this prefix run in the browser, declared or not; no backend tool may use it. */
export const FRONTEND_TOOL_PREFIX = "ui.";

/**
 * Where a tool call the model made will execute. Client-declared and `ui.` tools run in the
 * browser; configured backend tools run on the backend, after a human approves when
 * `requires_approval`; an ask-the-user tool (`interrupt`) waits for the human's answer. Anything else is refused rather than guessed, and a name that is both
 * client-declared and configured is a TOOL_NAME_CONFLICT even here.
 */
export function classifyToolCall({
  name,
  clientTools,
  backendTools,
}: {
  name: string;
  clientTools: readonly DeclaredClientTool[];
  backendTools: BackendToolPolicies;
}): ToolClassification {
  const declared = clientTools.some((tool) => tool.name === name);
  const policy = backendPolicy(backendTools, name);
  if (declared && policy !== undefined) {
    throw new ToolNameConflictError({ toolNames: [name] });
  }
  if (declared || name.startsWith(FRONTEND_TOOL_PREFIX)) {
    return { mode: "FRONTEND_EXECUTE" };
  }
  if (policy === undefined) {
    throw new UnknownToolError({ toolName: name });
  }
  if (policy.interrupt !== undefined) return { mode: "BACKEND_INPUT_INTERRUPT", policy };
  return {
    mode: policy.requires_approval ? "BACKEND_APPROVAL_INTERRUPT" : "BACKEND_DIRECT_EXECUTE",
    policy,
  };
}

/**
 * A client never shadows a server tool: refuses every client tool whose name equals a backend
 * tool's or looks like it to the model (`srv_transfer_funds` for `srv.transfer_funds`: the
 * name the model is shown; also other cases and separators, see toolNameLookalikeKey). Backend
 * tools keep their names; the client must rename its tool.
 */
export function assertNoToolNameConflict({
  clientTools,
  backendTools,
  reservedPrefixes = [],
}: {
  clientTools: readonly DeclaredClientTool[];
  /** The configured backend tools by name (a `Set` of names or a `Map` keyed by name). */
  backendTools: { keys(): Iterable<string> };
  /**
   * Prefixes of backend tools not known by name here (an MCP server's `<prefix>.`): a name
   * under one, in the tool's or the provider's spelling (`github.x`, `github_x`), conflicts.
   */
  reservedPrefixes?: readonly string[];
}): void {
  const isBackend = backendToolMatcher({ backendTools, reservedPrefixes });
  const conflicts = [...new Set(clientTools.map((tool) => tool.name))].filter(isBackend).sort();
  if (conflicts.length > 0) {
    throw new ToolNameConflictError({
      toolNames: conflicts,
      message: `Client tools conflict with backend tools (a client tool may not take a backend tool's name, or a name the model could take for it): ${conflicts.join(", ")}`,
    });
  }
}

/**
 * Whether a tool name is a backend tool's, or one the model could take for it: the same name,
 * a look-alike (toolNameLookalikeKey), or a name under a reserved prefix (`github.x`,
 * `github_x`, in any case).
 */
export function backendToolMatcher({
  backendTools,
  reservedPrefixes = [],
}: {
  backendTools: { keys(): Iterable<string> };
  reservedPrefixes?: readonly string[];
}): (name: string) => boolean {
  const names = new Set(backendTools.keys());
  const keys = new Set([...names].map(toolNameLookalikeKey).filter((key) => key !== ""));
  return (name) => {
    if (names.has(name) || underReservedPrefix(name, reservedPrefixes)) return true;
    const key = toolNameLookalikeKey(name);
    return key !== "" && keys.has(key);
  };
}

function underReservedPrefix(name: string, prefixes: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return prefixes.some((prefix) => {
    const start = prefix.toLowerCase();
    return (
      lower.startsWith(`${start}.`) || lower.startsWith(`${start.replace(/[^a-z0-9_-]/g, "_")}_`)
    );
  });
}

function backendPolicy(
  backendTools: BackendToolPolicies,
  name: string,
): BackendToolPolicy | undefined {
  if (backendTools instanceof Map) {
    return backendTools.get(name);
  }
  // Own keys only: a tool named "constructor" must not find Object.prototype.constructor.
  const record = backendTools as Readonly<Record<string, BackendToolPolicy>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
