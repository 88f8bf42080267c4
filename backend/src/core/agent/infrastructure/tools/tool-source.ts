import type { ToolConfig, ToolSourceKind } from "../config/runtime-config.js";
import type { ToolCallContext } from "./tool-handler.js";

/**
 * Where tool handlers come from: the runtime's built-ins, an MCP server, an HTTP service or a
 * handler module. The registry applies timeout, size limit and metrics around `call`.
 */
export interface ToolSource {
  readonly name: string;
  readonly kind: ToolSourceKind;
  /** Whether `handler` (the part after `<source>.`) can be called at all. */
  has(handler: string): boolean;
  /** Runs one call; rejects with an Error whose message the model may read. */
  call(input: {
    handler: string;
    tool: ToolConfig;
    args: Record<string, unknown>;
    context: ToolCallContext;
  }): Promise<unknown>;
  /** Tools the source declares itself (an MCP server's list), under their configured names. */
  listedTools(): readonly ToolConfig[];
  /** Lists the tools again (on a configuration reload); sources that list nothing need not. */
  refresh?(): Promise<void>;
  close(): Promise<void>;
}
