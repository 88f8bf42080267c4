import type { ModelConfig } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import type {
  LlmCallContext,
  LlmCallRecord,
} from "../../../../../../src/core/agent/infrastructure/llm/llm-call-record.js";
import {
  createLlmGateway,
  type LlmGateway,
} from "../../../../../../src/core/agent/infrastructure/llm/llm-gateway.js";
import { type Settings, SettingsSchema } from "../../../../../../src/core/config/settings.js";

export const CONTEXT: LlmCallContext = {
  runId: "run-1",
  sessionId: "session-1",
  userId: "user-1",
  agentType: "responder",
  stage: "respond",
};

/** Settings as the service would parse them, from a partial `llm` section. */
export function settingsWith(llm: Record<string, unknown> = {}): Settings {
  return SettingsSchema.parse({ llm });
}

export class CollectingRecorder {
  readonly records: LlmCallRecord[] = [];

  record(call: LlmCallRecord): void {
    this.records.push(call);
  }

  /** Resolves once `count` records arrived (recording may trail the consumer by a tick). */
  async waitFor(count: number, timeoutMs = 5_000): Promise<LlmCallRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} records, got ${this.records.length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.records;
  }
}

export function sequentialIds(prefix = "call"): () => string {
  let next = 0;
  return () => `${prefix}-${++next}`;
}

export function gatewayFor(input: {
  llm?: Record<string, unknown>;
  models?: Record<string, ModelConfig>;
  clock?: () => Date;
  logger?: { info(message: string): void; warn(message: string): void };
}): LlmGateway {
  return createLlmGateway({
    settings: settingsWith(input.llm),
    models: input.models ?? {},
    ids: sequentialIds(),
    clock: input.clock ?? (() => new Date()),
    logger: input.logger,
  });
}
