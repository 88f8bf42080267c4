import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planAdmission } from "../../../../../../src/core/agent/application/admission-plan.js";
import type { SessionView } from "../../../../../../src/core/agent/application/ports/run-store.js";
import { AgentError, StateSnapshot } from "../../../../../../src/core/agent/domain/index.js";
import type { ToolConfig } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import { ToolExecutor } from "../../../../../../src/core/agent/infrastructure/crew/tool-executor.js";
import { AjvJsonSchemaValidator } from "../../../../../../src/core/agent/infrastructure/validation/ajv-json-schema-validator.js";
import { approvalCall, at } from "../../domain/fixtures.js";
import { InMemoryToolExecutionLedger } from "./crew-runtime-fixture.js";

/** The shipped `srv.transfer_funds` schema. */
const TRANSFER_SCHEMA = {
  type: "object",
  properties: {
    amount: { type: "number", exclusiveMinimum: 0 },
    currency: { type: "string", pattern: "^[A-Z]{3}$" },
    to_account: { type: "string", minLength: 1 },
  },
  required: ["amount", "currency", "to_account"],
  additionalProperties: false,
};

/** The same schema written out by hand: the oracle the property compares the validator with. */
function fitsTransferSchema(args: unknown): boolean {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return false;
  const record = args as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.some((key) => !["amount", "currency", "to_account"].includes(key))) return false;
  const { amount, currency, to_account: toAccount } = record;
  return (
    typeof amount === "number" &&
    Number.isFinite(amount) &&
    amount > 0 &&
    typeof currency === "string" &&
    /^[A-Z]{3}$/.test(currency) &&
    typeof toAccount === "string" &&
    toAccount.length > 0
  );
}

/** Arguments near the schema (most fields right, some wrong) and far from it. */
const argumentsArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      amount: fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.string(),
        fc.constant(null),
        fc.constant("1000000"),
      ),
      currency: fc.oneof(
        fc.constantFrom("EUR", "USD", "eur", "EURO", "eur; DROP", ""),
        fc.stringMatching(/^[A-Z]{3}$/),
        fc.string(),
        fc.integer(),
      ),
      to_account: fc.oneof(
        fc.string(),
        fc.constant({ iban: "x" }),
        fc.constant(["DE89"]),
        fc.constant("DE89370400440532013000"),
      ),
      from_account: fc.constantFrom("VICTIM", ""),
      __proto__: fc.constant("x"),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string(), fc.jsonValue()),
  fc.jsonValue(),
  fc.anything(),
);

const TRANSFER_TOOL: ToolConfig = {
  name: "srv.transfer_funds",
  description: "Transfers money.",
  parameters: TRANSFER_SCHEMA,
  requires_approval: true,
  handler: "counting",
  side_effects: true,
  idempotent: false,
};

function countingExecutor() {
  const executed: unknown[] = [];
  const executor = new ToolExecutor(
    {
      has: (handler) => handler === "counting",
      invoke: ({ args }) => {
        executed.push(args);
        return Promise.resolve({ status: "completed" });
      },
    },
    new InMemoryToolExecutionLedger(),
    new AjvJsonSchemaValidator(),
  );
  return { executor, executed };
}

function execute(executor: ToolExecutor, args: unknown, toolCallId: string) {
  return executor.execute({
    tool: TRANSFER_TOOL,
    args: args as Record<string, unknown>,
    runId: "run-1",
    sessionId: "thread-1",
    userId: "user-1",
    toolCallId,
    signal: new AbortController().signal,
    now: at(1),
  });
}

function waitingSession(): SessionView {
  return {
    id: "thread-1",
    userId: "user-1",
    workflow: "default",
    status: "interrupted",
    activeRunId: null,
    version: 3,
    snapshot: StateSnapshot.new({ pendingToolCalls: [approvalCall("call-1")] }),
    messageCount: 2,
    lastSeq: 2,
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      costUsd: "0",
      llmCallCount: 0,
    },
    createdAt: at(0),
    updatedAt: at(0),
  };
}

describe("tool arguments never reach a handler unless they fit the tool's schema", () => {
  it("model arguments: the handler runs exactly for the arguments that fit; the others get an error result naming the problem", async () => {
    const { executor, executed } = countingExecutor();
    let fitting = 0;
    let index = 0;
    await fc.assert(
      fc.asyncProperty(argumentsArbitrary, async (args) => {
        const before = executed.length;
        const result = await execute(executor, args, `call-${++index}`);
        if (fitsTransferSchema(args)) {
          fitting += 1;
          expect(executed.length).toBe(before + 1);
          expect(result.error).toBeUndefined();
        } else {
          expect(executed.length).toBe(before);
          expect(result.error).toMatch(/^The arguments of srv\.transfer_funds were refused/);
          expect(JSON.parse(result.content)).toEqual({ error: result.error });
        }
      }),
      { numRuns: 500 },
    );
    expect(executed).toHaveLength(fitting);
    expect(executed.every(fitsTransferSchema)).toBe(true);
  });

  it("approved edited_args: admission refuses (TOOL_ARGS_INVALID) every edit that does not fit, so only fitting edits ever execute", async () => {
    const { executor, executed } = countingExecutor();
    const validator = new AjvJsonSchemaValidator();
    const backendTools = new Map([["srv.transfer_funds", TRANSFER_SCHEMA]]);
    let index = 0;
    await fc.assert(
      fc.asyncProperty(argumentsArbitrary, async (editedArgs) => {
        // No edit at all is an approval of the model's arguments (checked when they were made).
        fc.pre(editedArgs !== undefined);
        const before = executed.length;
        let admitted = false;
        try {
          const plan = planAdmission({
            session: waitingSession(),
            messages: [],
            extraDecisions: [
              {
                kind: "approve",
                toolCallId: "call-1",
                editedArgs: editedArgs as Record<string, unknown>,
              },
            ],
            backendTools,
            validator,
            now: at(1),
          });
          admitted = plan.kind === "resume";
        } catch (error) {
          if (!AgentError.isInstance(error)) throw error;
          expect(error.code).toBe("TOOL_ARGS_INVALID");
          expect(error.httpStatus).toBe(400);
          expect(String(error.details?.field)).toMatch(/^edited_args/);
        }
        expect(admitted).toBe(fitsTransferSchema(editedArgs));
        // What the worker does with an admitted approval: it executes the edited arguments.
        if (admitted) await execute(executor, editedArgs, `call-edit-${++index}`);
        expect(executed.length).toBe(before + (admitted ? 1 : 0));
      }),
      { numRuns: 500 },
    );
    expect(executed.every(fitsTransferSchema)).toBe(true);
  });
});
