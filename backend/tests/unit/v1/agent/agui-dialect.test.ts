import { EventSchema } from "@ag-ui/core/schemas";
import { EventSchemas as EventSchemas0057 } from "@ag-ui/core-0057";
import { EventSchemas as EventSchemas0059 } from "@ag-ui/core-0059";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dialectOf, eventForDialect } from "../../../../src/v1/agent/agui-dialect.js";

const PRE_1_0_SCHEMAS = { "0.0.57": EventSchemas0057, "0.0.59": EventSchemas0059 };

/** Every schema a pre-1.0 stream must satisfy: both old clients' and 1.0's. */
function expectValidEverywhere(data: string) {
  const event = JSON.parse(data) as unknown;
  for (const [version, schema] of Object.entries(PRE_1_0_SCHEMAS)) {
    const parsed = schema.safeParse(event);
    expect(parsed.success, `${version}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
  expect(EventSchema.safeParse(event).success).toBe(true);
}

const id = fc.stringMatching(/^[a-zA-Z0-9_-]{1,24}$/);
const usage = fc.array(
  fc.record(
    {
      provider: fc.constantFrom("deepseek", "openai"),
      inputTokens: fc.nat(),
      outputTokens: fc.nat(),
      cachedInputTokens: fc.nat(),
      cacheWriteInputTokens: fc.nat(),
    },
    { requiredKeys: [] },
  ),
  { maxLength: 2 },
);
const interrupt = fc.record(
  {
    id,
    reason: fc.constantFrom("tool_call", "input_required", "app:custom"),
    toolCallId: id,
    message: fc.string(),
    responseSchema: fc.constant({ type: "object" }),
    expiresAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  },
  { requiredKeys: ["id", "reason"] },
);
const outcome = fc.oneof(
  fc.record({ type: fc.constant("success") }),
  fc.record({ type: fc.constant("success"), pendingToolCallIds: fc.array(id, { maxLength: 3 }) }),
  fc.record({ type: fc.constant("cancelled") }),
  fc.record({
    type: fc.constant("interrupt"),
    interrupts: fc.array(interrupt, { minLength: 1, maxLength: 3 }),
  }),
);
const runFinished = fc.record(
  { type: fc.constant("RUN_FINISHED"), threadId: id, runId: id, outcome, usage },
  { requiredKeys: ["type", "threadId", "runId"] },
);
const textPart = fc.record({ type: fc.constant("text"), text: fc.string() });
const toolContent = fc.oneof(fc.string(), fc.array(textPart, { maxLength: 3 }));
const toolResult = fc.record({
  type: fc.constant("TOOL_CALL_RESULT"),
  messageId: id,
  toolCallId: id,
  content: toolContent,
  role: fc.constant("tool"),
});
const snapshot = fc.record({
  type: fc.constant("MESSAGES_SNAPSHOT"),
  messages: fc.array(
    fc.oneof(
      fc.record({ id, role: fc.constant("user"), content: fc.string() }),
      fc.record({ id, role: fc.constant("tool"), toolCallId: id, content: toolContent }),
      fc.record({
        id,
        role: fc.constant("assistant"),
        toolCalls: fc.array(
          fc.record({
            id,
            type: fc.constant("function"),
            function: fc.record({ name: id, arguments: fc.constant("{}") }),
          }),
          { maxLength: 2 },
        ),
      }),
    ),
    { maxLength: 5 },
  ),
});

describe("dialectOf (which AG-UI a request speaks)", () => {
  it("is 1.0 for a declared 1.x (what @ag-ui/client 1.0 sends) and pre-1.0 without a declaration", () => {
    expect(dialectOf("1.0")).toBe("1.0");
    expect(dialectOf("1.1")).toBe("1.0");
    expect(dialectOf("2.3")).toBe("1.0");
    expect(dialectOf(undefined)).toBe("pre-1.0");
    expect(dialectOf("0.0")).toBe("pre-1.0");
  });

  it("treats a value outside the <major>.<minor> grammar like a newer version (the spec's rule)", () => {
    expect(dialectOf("1")).toBe("1.0");
    expect(dialectOf("0.0.59")).toBe("1.0");
    expect(dialectOf("latest")).toBe("1.0");
  });
});

describe("eventForDialect", () => {
  it("sends the stored 1.0 JSON unchanged to a 1.0 follower", () => {
    const data = JSON.stringify({
      type: "RUN_FINISHED",
      threadId: "t",
      runId: "r",
      outcome: { type: "success", pendingToolCallIds: ["c1"] },
    });
    expect(eventForDialect(data, "1.0")).toBe(data);
  });

  it("drops pendingToolCallIds for pre-1.0 (their success outcome is strict) and keeps everything else", () => {
    const data = JSON.stringify({
      type: "RUN_FINISHED",
      threadId: "t",
      runId: "r",
      outcome: { type: "success", pendingToolCallIds: ["c1"] },
      usage: [{ inputTokens: 3 }],
    });
    expect(JSON.parse(eventForDialect(data, "pre-1.0") as string)).toEqual({
      type: "RUN_FINISHED",
      threadId: "t",
      runId: "r",
      outcome: { type: "success" },
      usage: [{ inputTokens: 3 }],
    });
    // What the old clients refuse: the canonical event itself.
    expect(EventSchemas0059.safeParse(JSON.parse(data)).success).toBe(false);
    expect(EventSchemas0057.safeParse(JSON.parse(data)).success).toBe(false);
  });

  it("sends a cancelled run to pre-1.0 as RUN_ERROR CANCELLED, keeping its usage", () => {
    const data = JSON.stringify({
      type: "RUN_FINISHED",
      threadId: "t",
      runId: "r",
      outcome: { type: "cancelled" },
      usage: [{ outputTokens: 2 }],
    });
    expect(JSON.parse(eventForDialect(data, "pre-1.0") as string)).toEqual({
      type: "RUN_ERROR",
      code: "CANCELLED",
      message: "The run was cancelled",
      usage: [{ outputTokens: 2 }],
    });
  });

  it("keeps RUN_STARTED as it is (old clients let protocolVersion through) and drops event types they do not parse", () => {
    const started = JSON.stringify({
      type: "RUN_STARTED",
      threadId: "t",
      runId: "r",
      protocolVersion: "1.0",
    });
    expect(eventForDialect(started, "pre-1.0")).toBe(started);
    expectValidEverywhere(started);
    const subagent = JSON.stringify({ type: "SUBAGENT_STARTED", subagentRunId: "s", name: "n" });
    expect(eventForDialect(subagent, "pre-1.0")).toBeUndefined();
  });

  it("passes untouched types through without re-serialising them", () => {
    const data = '{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"h\\u00e9"}';
    expect(eventForDialect(data, "pre-1.0")).toBe(data);
  });

  it("turns tool-result content parts into text for pre-1.0", () => {
    const data = JSON.stringify({
      type: "TOOL_CALL_RESULT",
      messageId: "m",
      toolCallId: "c",
      content: [
        { type: "text", text: "a" },
        { type: "text", text: "b" },
      ],
    });
    expect(JSON.parse(eventForDialect(data, "pre-1.0") as string).content).toBe("ab");
  });

  it("every RUN_FINISHED, TOOL_CALL_RESULT and MESSAGES_SNAPSHOT it emits for pre-1.0 is valid for 0.0.57, 0.0.59 and 1.0", () => {
    fc.assert(
      fc.property(fc.oneof(runFinished, toolResult, snapshot), (event) => {
        expect(EventSchema.safeParse(event).success).toBe(true);
        const data = eventForDialect(JSON.stringify(event), "pre-1.0");
        expect(data).toBeDefined();
        expectValidEverywhere(data as string);
      }),
      { numRuns: 300 },
    );
  });
});
