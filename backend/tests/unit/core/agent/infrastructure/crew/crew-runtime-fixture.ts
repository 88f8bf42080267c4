import { fileURLToPath } from "node:url";
import type { SystemAgentRow } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import { createRuntimeConfigLoader } from "../../../../../../src/core/agent/infrastructure/config/runtime-config-loader.js";
import { defaultStaticConfigDirectory } from "../../../../../../src/core/agent/infrastructure/config/static-config-directory.js";
import { CrewRuntime } from "../../../../../../src/core/agent/infrastructure/crew/crew-runtime.js";
import type { ToolExecutionLedger } from "../../../../../../src/core/agent/infrastructure/crew/tool-execution-ledger.js";
import { ToolExecutor } from "../../../../../../src/core/agent/infrastructure/crew/tool-executor.js";
import { createLlmGateway } from "../../../../../../src/core/agent/infrastructure/llm/llm-gateway.js";
import { ToolSourceRegistry } from "../../../../../../src/core/agent/infrastructure/tools/tool-source-registry.js";
import { AjvJsonSchemaValidator } from "../../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";
import { SettingsSchema } from "../../../../../../src/core/config/settings.js";

/** The ledger's contract in memory: the first result recorded under a key wins. */
export class InMemoryToolExecutionLedger implements ToolExecutionLedger {
  readonly results = new Map<string, unknown>();

  find(idempotencyKey: string): Promise<{ result: unknown } | undefined> {
    return Promise.resolve(
      this.results.has(idempotencyKey) ? { result: this.results.get(idempotencyKey) } : undefined,
    );
  }

  save(input: { idempotencyKey: string; result: unknown }): Promise<{ result: unknown }> {
    if (!this.results.has(input.idempotencyKey))
      this.results.set(input.idempotencyKey, input.result);
    return Promise.resolve({ result: this.results.get(input.idempotencyKey) });
  }
}

export function crewAiFixtureDirectory(name: string): string {
  return fileURLToPath(new URL(`../../../../../fixtures/crewai/${name}`, import.meta.url));
}

/**
 * A `CrewRuntime` wired as the composition root wires it, over a config directory (the
 * shipped one by default) and `system_agents` rows given in memory. `defaultModelCode` is
 * `llm.default_model_code`; no model is ever called by `buildCrew`.
 */
export function crewRuntimeFor({
  directory = defaultStaticConfigDirectory(),
  systemAgents = [],
  defaultModelCode = "gpt-4o-mini",
}: {
  directory?: string;
  systemAgents?: SystemAgentRow[];
  defaultModelCode?: string;
} = {}): CrewRuntime {
  const config = createRuntimeConfigLoader({
    staticDirectory: directory,
    listSystemAgents: () => Promise.resolve(systemAgents),
  });
  const settings = SettingsSchema.parse({ llm: { default_model_code: defaultModelCode } });
  let next = 0;
  const ids = () => `id-${++next}`;
  const clock = () => new Date("2026-03-01T12:00:00Z");
  const validator = new AjvJsonSchemaValidator();
  return new CrewRuntime({
    config,
    gateway: createLlmGateway({ settings, models: {}, ids, clock }),
    tools: new ToolExecutor(
      ToolSourceRegistry.builtinOnly(),
      new InMemoryToolExecutionLedger(),
      validator,
    ),
    ids,
    clock,
    callSettings: { maxRetries: 0, timeoutMs: 1_000 },
    defaultApprovalTtlSeconds: 600,
    validator,
    agentStateMaxBytes: 65_536,
  });
}
