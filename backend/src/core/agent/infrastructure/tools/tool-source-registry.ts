import type { RuntimeConfig, ToolConfig, ToolLimits } from "../config/runtime-config.js";
import type { RuntimeConfigLoader } from "../config/runtime-config-loader.js";
import { expandToolSelectors, handlerName, handlerSource } from "../config/tool-selectors.js";
import { BuiltinToolSource } from "./builtin-tool-source.js";
import type { ToolCallMetrics, ToolCallOutcome } from "./tool-call-metrics.js";
import type { ToolCallContext } from "./tool-handler.js";
import { limitToolResult } from "./tool-result-limit.js";
import type { ToolSource } from "./tool-source.js";

export interface ToolCallDefaults {
  /** settings tools.timeout_ms */
  timeoutMs: number;
  /** settings tools.max_result_bytes */
  maxResultBytes: number;
}

/** Runs a configured tool's handler, whatever its source (the executor's view of the registry). */
export interface ToolInvoker {
  /** Whether the tool's handler id names a source that can run it. */
  has(handler: string): boolean;
  invoke(input: {
    tool: ToolConfig;
    args: Record<string, unknown>;
    context: ToolCallContext;
  }): Promise<unknown>;
}

class ToolTimeoutError extends Error {
  constructor(toolName: string, timeoutMs: number) {
    super(`Tool ${toolName} did not finish within ${timeoutMs} ms`);
    this.name = "ToolTimeoutError";
  }
}

/**
 * The worker's tool sources, by name, and the one place a handler is called: every call gets
 * its timeout (the tool's, else its source's, else the settings'), an AbortSignal that also
 * fires on cancellation, its result cut to the size limit, and its metrics.
 */
export class ToolSourceRegistry implements ToolInvoker {
  private readonly sources = new Map<string, { source: ToolSource; limits: ToolLimits }>();
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private readonly views = new WeakMap<RuntimeConfig, { version: number; view: RuntimeConfig }>();

  constructor(
    private readonly defaults: ToolCallDefaults,
    private readonly metrics?: ToolCallMetrics,
  ) {
    this.add(new BuiltinToolSource());
  }

  /** Only the built-in handlers (tests, and configs that declare no source). */
  static builtinOnly(defaults: ToolCallDefaults = DEFAULT_TOOL_CALL_LIMITS): ToolSourceRegistry {
    return new ToolSourceRegistry(defaults);
  }

  add(source: ToolSource, limits: ToolLimits = {}): void {
    this.sources.set(source.name, { source, limits });
    this.changed();
  }

  /** A source's listed tools changed (an MCP server connected or sent tools/list_changed). */
  changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  has(handler: string): boolean {
    return this.sources.get(handlerSource(handler))?.source.has(handlerName(handler)) ?? false;
  }

  /** Every tool the sources list themselves (MCP servers), under their configured names. */
  listedTools(): ToolConfig[] {
    return [...this.sources.values()].flatMap(({ source }) => source.listedTools());
  }

  /**
   * `config` as the worker runs it: the tools the sources listed added (a tools.yaml entry of
   * the same name wins), and each agent's selectors (`mcp:github/*`) expanded to tool names.
   */
  apply(config: RuntimeConfig): RuntimeConfig {
    const cached = this.views.get(config);
    if (cached?.version === this.version) return cached.view;
    const tools: Record<string, ToolConfig> = {};
    for (const tool of this.listedTools()) tools[tool.name] = tool;
    Object.assign(tools, config.tools);
    const agents = Object.fromEntries(
      Object.entries(config.agents).map(([type, agent]) => [
        type,
        { ...agent, tools: expandToolSelectors(agent.tools, tools) },
      ]),
    );
    const view = { ...config, tools, agents };
    this.views.set(config, { version: this.version, view });
    return view;
  }

  /** A loader that serves `apply(config)` of what `loader` serves. */
  configView(loader: RuntimeConfigLoader): RuntimeConfigLoader {
    return {
      get: async () => this.apply(await loader.get()),
      invalidate: () => loader.invalidate(),
    };
  }

  async invoke({
    tool,
    args,
    context,
  }: {
    tool: ToolConfig;
    args: Record<string, unknown>;
    context: ToolCallContext;
  }): Promise<unknown> {
    const entry = this.sources.get(handlerSource(tool.handler));
    if (!entry) throw new Error(`Tool ${tool.name}: no source "${handlerSource(tool.handler)}"`);
    const { source, limits } = entry;
    const timeoutMs = tool.timeout_ms ?? limits.timeout_ms ?? this.defaults.timeoutMs;
    const maxBytes =
      tool.max_result_bytes ?? limits.max_result_bytes ?? this.defaults.maxResultBytes;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new ToolTimeoutError(tool.name, timeoutMs)),
      timeoutMs,
    );
    const signal = AbortSignal.any([context.signal, timeout.signal]);
    const started = performance.now();
    let outcome: ToolCallOutcome = "ok";
    try {
      const result = await untilAborted(
        source.call({
          handler: handlerName(tool.handler),
          tool,
          args,
          context: { ...context, signal },
        }),
        signal,
      );
      return limitToolResult(result, maxBytes);
    } catch (error) {
      if (timeout.signal.aborted) {
        outcome = "timeout";
        throw timeout.signal.reason;
      }
      outcome = context.signal.aborted ? "cancelled" : "error";
      throw error;
    } finally {
      clearTimeout(timer);
      this.metrics?.recordToolCall({
        tool: tool.name,
        kind: source.kind,
        outcome,
        seconds: (performance.now() - started) / 1000,
      });
    }
  }

  /** Asks every source to list its tools again; a source that fails keeps its last list. */
  async refresh(onError: (source: string, error: unknown) => void): Promise<void> {
    await Promise.all(
      [...this.sources.values()].map(({ source }) =>
        source.refresh?.().catch((error: unknown) => onError(source.name, error)),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.sources.values()].map(({ source }) => source.close()));
  }
}

/** The settings defaults, for code that runs without settings (tests). */
export const DEFAULT_TOOL_CALL_LIMITS: ToolCallDefaults = {
  timeoutMs: 30_000,
  maxResultBytes: 65_536,
};

/** Settles with `work`, or rejects with the abort reason as soon as `signal` fires. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("The tool call was aborted");
}
