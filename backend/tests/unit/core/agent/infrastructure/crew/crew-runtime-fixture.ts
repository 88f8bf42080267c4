import { fileURLToPath } from "node:url";
import type { SystemAgentRow } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import { createRuntimeConfigLoader } from "../../../../../../src/core/agent/infrastructure/config/runtime-config-loader.js";
import { defaultStaticConfigDirectory } from "../../../../../../src/core/agent/infrastructure/config/static-config-directory.js";
import { CrewRuntime } from "../../../../../../src/core/agent/infrastructure/crew/crew-runtime.js";
import type {
  ToolExecutionLedger,
  ToolLedgerClaim,
} from "../../../../../../src/core/agent/infrastructure/crew/tool-execution-ledger.js";
import { ToolExecutor } from "../../../../../../src/core/agent/infrastructure/crew/tool-executor.js";
import { createLlmGateway } from "../../../../../../src/core/agent/infrastructure/llm/llm-gateway.js";
import { ToolSourceRegistry } from "../../../../../../src/core/agent/infrastructure/tools/tool-source-registry.js";
import { AjvJsonSchemaValidator } from "../../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";
import { SettingsSchema } from "../../../../../../src/core/config/settings.js";

/** The ledger's contract in memory: the first result recorded under a key wins. */
/** The ledger's rules in memory (PostgresToolExecutionLedger is the real one). */
export class InMemoryToolExecutionLedger implements ToolExecutionLedger {
  readonly rows = new Map<
    string,
    { status: "started" | "completed" | "failed" | "unknown"; result: unknown; attempts: number }
  >();

  start({
    idempotencyKey,
  }: {
    idempotencyKey: string;
    toolName: string;
  }): Promise<ToolLedgerClaim> {
    const row = this.rows.get(idempotencyKey);
    if (!row) {
      this.rows.set(idempotencyKey, { status: "started", result: null, attempts: 1 });
      return Promise.resolve({ kind: "new" });
    }
    if (row.status === "completed")
      return Promise.resolve({ kind: "recorded", result: row.result });
    if (row.status === "failed")
      return Promise.resolve({
        kind: "recorded",
        result: row.result,
        error: String((row.result as { error?: unknown }).error),
      });
    return Promise.resolve({ kind: "unknown", attempts: row.attempts });
  }

  restart(idempotencyKey: string): Promise<void> {
    const row = this.rows.get(idempotencyKey);
    if (row)
      this.rows.set(idempotencyKey, { ...row, status: "started", attempts: row.attempts + 1 });
    return Promise.resolve();
  }

  finish({
    idempotencyKey,
    result,
    error,
  }: {
    idempotencyKey: string;
    result: unknown;
    error?: string;
  }): Promise<void> {
    const row = this.rows.get(idempotencyKey);
    if (row?.status === "started")
      this.rows.set(idempotencyKey, {
        ...row,
        status: error === undefined ? "completed" : "failed",
        result: error === undefined ? (result ?? null) : { error },
      });
    return Promise.resolve();
  }

  giveUp(idempotencyKey: string): Promise<void> {
    const row = this.rows.get(idempotencyKey);
    if (row?.status === "started") this.rows.set(idempotencyKey, { ...row, status: "unknown" });
    return Promise.resolve();
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
