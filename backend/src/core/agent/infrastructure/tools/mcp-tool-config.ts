import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { McpSourceConfig, ToolConfig } from "../config/runtime-config.js";

// The same rule as a tools.yaml key (the LLM layer maps dots to provider-safe names).
const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/**
 * A tool an MCP server listed, as this runtime configures it: `<prefix>.<name>`, the server's
 * description and input schema, and tools.yaml's policy (the source's `requires_approval`
 * default and the per-tool overrides). The server's annotations are hints from the server and
 * set nothing but the default of `side_effects` (a tool not marked read-only has them).
 */
export function mcpToolConfig(
  source: McpSourceConfig,
  tool: Tool,
): ToolConfig | { problem: string } {
  const name = `${source.prefix}.${tool.name}`;
  if (!TOOL_NAME.test(name)) {
    return {
      problem: `"${tool.name}": ${name} is not a usable tool name (letters, digits, _ . -, at most 64)`,
    };
  }
  const schema = tool.inputSchema as Record<string, unknown>;
  if (schema.type !== "object") {
    return { problem: `"${tool.name}": its input schema is not of type object` };
  }
  const override = source.tools[tool.name] ?? {};
  const requiresApproval = override.requires_approval ?? source.requires_approval;
  const timeout = override.timeout_ms ?? source.timeout_ms;
  const maxBytes = override.max_result_bytes ?? source.max_result_bytes;
  return {
    name,
    description: tool.description?.trim() || tool.title || tool.name,
    parameters: schema,
    requires_approval: requiresApproval,
    ...(requiresApproval && override.approval_ttl_seconds !== undefined
      ? { approval_ttl_seconds: override.approval_ttl_seconds }
      : {}),
    handler: `${source.name}.${tool.name}`,
    side_effects: override.side_effects ?? tool.annotations?.readOnlyHint !== true,
    idempotent: override.idempotent ?? false,
    ...(timeout === undefined ? {} : { timeout_ms: timeout }),
    ...(maxBytes === undefined ? {} : { max_result_bytes: maxBytes }),
  };
}
