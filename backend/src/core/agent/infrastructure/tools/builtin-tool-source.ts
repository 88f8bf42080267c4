import { BUILTIN_SOURCE } from "../config/parse-tool-sources.js";
import type { ToolConfig } from "../config/runtime-config.js";
import { BUILTIN_TOOL_HANDLERS } from "./builtin-tool-handlers.js";
import type { ToolCallContext } from "./tool-handler.js";
import type { ToolSource } from "./tool-source.js";

/** Names of the built-in handlers (`builtin.<name>` in tools.yaml). */
export const BUILTIN_HANDLER_NAMES: readonly string[] = Object.keys(BUILTIN_TOOL_HANDLERS);

/** The handlers shipped with the runtime (the demo tools and the AG-UI state tools). */
export class BuiltinToolSource implements ToolSource {
  readonly name = BUILTIN_SOURCE;
  readonly kind = "builtin" as const;

  has(handler: string): boolean {
    return Object.hasOwn(BUILTIN_TOOL_HANDLERS, handler);
  }

  async call(input: {
    handler: string;
    tool: ToolConfig;
    args: Record<string, unknown>;
    context: ToolCallContext;
  }): Promise<unknown> {
    const handler = BUILTIN_TOOL_HANDLERS[input.handler];
    if (!handler) throw new Error(`no built-in handler "${input.handler}"`);
    return await handler(input.args, input.context);
  }

  listedTools(): readonly ToolConfig[] {
    return [];
  }

  async close(): Promise<void> {}
}
