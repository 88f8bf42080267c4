import { readStaticCrewConfig } from "./read-static-crew-config.js";
import { resolveAgentRuntimeConfig } from "./resolver.js";
import type { RuntimeConfig, StaticCrewConfig, SystemAgentRow } from "./runtime-config.js";

/** The slice of a pino logger the loader uses. */
export interface RuntimeConfigLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface RuntimeConfigLoader {
  /** The resolved config; loads it on first use and after `invalidate()`. */
  get(): Promise<RuntimeConfig>;
  /** Forgets the resolved config (call on a `system_agents` change); the YAML stays cached. */
  invalidate(): void;
}

/**
 * Reads the static YAML once, then resolves it with the `system_agents` rows on demand and
 * caches the result. Concurrent `get()` calls share one load; a failed load is not cached, so
 * the next `get()` tries again. Once a load has succeeded, a later one that fails (a bad
 * `system_agents` row) is logged and the last good configuration stays in service. Warnings are
 * logged once per load.
 */
export function createRuntimeConfigLoader(input: {
  staticDirectory: string;
  listSystemAgents: () => Promise<SystemAgentRow[]>;
  logger?: RuntimeConfigLogger;
}): RuntimeConfigLoader {
  const { staticDirectory, listSystemAgents, logger } = input;
  let staticConfig: StaticCrewConfig | undefined;
  // The cached result or the load in flight. invalidate() drops it, so a load that started
  // before a change still answers its own callers but is never served afterwards.
  let current: Promise<RuntimeConfig> | undefined;
  // The last configuration that resolved: a bad system_agents change keeps it in service
  // (and is logged) instead of failing every run until someone fixes the row.
  let lastGood: RuntimeConfig | undefined;

  const load = async (): Promise<RuntimeConfig> => {
    staticConfig ??= readStaticCrewConfig(staticDirectory);
    const resolved = resolveAgentRuntimeConfig(await listSystemAgents(), staticConfig);
    for (const warning of resolved.warnings) {
      logger?.warn({ warning, directory: staticDirectory }, "agent configuration warning");
    }
    lastGood = resolved;
    return resolved;
  };

  const loadOrKeep = async (): Promise<RuntimeConfig> => {
    try {
      return await load();
    } catch (error) {
      if (!lastGood) throw error;
      logger?.error(
        { err: error },
        "the agent configuration no longer resolves; still serving the last one that did",
      );
      return lastGood;
    }
  };

  return {
    get() {
      if (current) return current;
      const loading = loadOrKeep();
      current = loading;
      loading.catch(() => {
        if (current === loading) current = undefined;
      });
      return loading;
    },
    invalidate() {
      current = undefined;
    },
  };
}
