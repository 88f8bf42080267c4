import { pathToFileURL } from "node:url";
import type { ModuleSourceConfig, ToolConfig } from "../config/runtime-config.js";
import type { ToolCallContext, ToolHandler } from "./tool-handler.js";
import type { ToolSource } from "./tool-source.js";

/**
 * Handlers from a JS/TS file of the config directory, imported once by the worker: every
 * exported function (or every function of a default-exported object) is a handler
 * `(args, ctx) => result`, named by its export. TypeScript files load through tsx when the
 * process was not started with it.
 */
export class ModuleToolSource implements ToolSource {
  readonly kind = "module" as const;
  readonly name: string;

  private constructor(
    config: ModuleSourceConfig,
    private readonly handlers: ReadonlyMap<string, ToolHandler>,
  ) {
    this.name = config.name;
  }

  static async load(config: ModuleSourceConfig): Promise<ModuleToolSource> {
    let loaded: Record<string, unknown>;
    try {
      loaded = await importModule(config.path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`tools.yaml: sources.${config.name}: cannot load ${config.path}: ${reason}`);
    }
    const handlers = new Map<string, ToolHandler>();
    const exported = [
      ...Object.entries(loaded).filter(([name]) => name !== "default"),
      ...(isRecord(loaded.default) ? Object.entries(loaded.default) : []),
    ];
    for (const [name, value] of exported) {
      if (typeof value === "function") handlers.set(name, value as ToolHandler);
    }
    return new ModuleToolSource(config, handlers);
  }

  /** Handler names the module exports. */
  handlerNames(): string[] {
    return [...this.handlers.keys()];
  }

  has(handler: string): boolean {
    return this.handlers.has(handler);
  }

  async call(input: {
    handler: string;
    args: Record<string, unknown>;
    context: ToolCallContext;
  }): Promise<unknown> {
    const handler = this.handlers.get(input.handler);
    if (!handler) throw new Error(`the module exports no handler "${input.handler}"`);
    const { state: _state, ...context } = input.context;
    return await handler(input.args, context);
  }

  listedTools(): readonly ToolConfig[] {
    return [];
  }

  async close(): Promise<void> {}
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ERR_UNKNOWN_FILE_EXTENSION" || !/\.[mc]?ts$/.test(path)) throw error;
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
