import { describe, expect, it } from "vitest";
import type { ToolConfig } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import type { ToolCallContext } from "../../../../../../src/core/agent/infrastructure/tools/tool-handler.js";
import type { ToolSource } from "../../../../../../src/core/agent/infrastructure/tools/tool-source.js";
import { ToolSourceRegistry } from "../../../../../../src/core/agent/infrastructure/tools/tool-source-registry.js";

function tool(handler: string, extra: Partial<ToolConfig> = {}): ToolConfig {
  return {
    name: `t.${handler}`,
    description: "",
    parameters: { type: "object" },
    requires_approval: false,
    handler,
    side_effects: false,
    idempotent: false,
    ...extra,
  };
}

function context(signal = new AbortController().signal): ToolCallContext {
  return {
    runId: "run-1",
    sessionId: "thread-1",
    userId: "user-1",
    toolCallId: "call-1",
    toolName: "t",
    idempotencyKey: "run-1:call-1",
    signal,
    logger: { info() {}, warn() {}, error() {} },
    now: new Date(),
  };
}

/** A source whose handlers wait for their signal (and note it) or answer `answer`. */
function testSource(seen: AbortSignal[]): ToolSource {
  return {
    name: "test",
    kind: "module",
    has: (handler) => handler === "hang" || handler === "big",
    call: ({ handler, context }) => {
      seen.push(context.signal);
      if (handler === "big") return Promise.resolve("x".repeat(100));
      return new Promise(() => {});
    },
    listedTools: () => [],
    close: async () => {},
  };
}

describe("ToolSourceRegistry", () => {
  it("times a call out with a tool error and aborts the handler's signal", async () => {
    const seen: AbortSignal[] = [];
    const registry = new ToolSourceRegistry({ timeoutMs: 60_000, maxResultBytes: 1000 });
    registry.add(testSource(seen), { timeout_ms: 20 });

    await expect(
      registry.invoke({ tool: tool("test.hang"), args: {}, context: context() }),
    ).rejects.toThrow("Tool t.test.hang did not finish within 20 ms");
    expect(seen[0]?.aborted).toBe(true);
  });

  it("a cancelled run aborts the call at once with the run's reason", async () => {
    const seen: AbortSignal[] = [];
    const registry = new ToolSourceRegistry({ timeoutMs: 60_000, maxResultBytes: 1000 });
    registry.add(testSource(seen));
    const run = new AbortController();

    const call = registry.invoke({
      tool: tool("test.hang"),
      args: {},
      context: context(run.signal),
    });
    run.abort(new Error("cancelled by the user"));

    await expect(call).rejects.toThrow("cancelled by the user");
    expect(seen[0]?.aborted).toBe(true);
  });

  it("cuts a result to the tool's limit and knows which handlers exist", async () => {
    const registry = new ToolSourceRegistry({ timeoutMs: 1000, maxResultBytes: 1000 });
    registry.add(testSource([]));

    const result = await registry.invoke({
      tool: tool("test.big", { max_result_bytes: 10 }),
      args: {},
      context: context(),
    });

    expect(result).toBe(
      "xxxxxxxxxx\n[truncated: the result was 100 bytes; only the first 10 are shown]",
    );
    expect(registry.has("test.big")).toBe(true);
    expect(registry.has("test.nope")).toBe(false);
    expect(registry.has("builtin.get_current_time")).toBe(true);
    expect(registry.has("nowhere.x")).toBe(false);
  });
});
