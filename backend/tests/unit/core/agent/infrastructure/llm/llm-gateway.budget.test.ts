import type { LanguageModelV3Prompt } from "@ai-sdk/provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type {
  BudgetLedger,
  ReservationOutcome,
  ReservationRequest,
} from "../../../../../../src/core/agent/application/ports/budget-ledger.js";
import type { ScopeUsage } from "../../../../../../src/core/agent/domain/budget.js";
import type { BudgetWarning } from "../../../../../../src/core/agent/domain/budget-warnings.js";
import { BudgetExceededError } from "../../../../../../src/core/agent/domain/errors.js";
import type { CallBudgetPolicy } from "../../../../../../src/core/agent/infrastructure/llm/budget-guard.js";
import { createLlmGateway } from "../../../../../../src/core/agent/infrastructure/llm/llm-gateway.js";
import { estimatePromptTokens } from "../../../../../../src/core/agent/infrastructure/llm/prompt-token-estimate.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";
import { CONTEXT, CollectingRecorder, sequentialIds, settingsWith } from "./gateway-fixture.js";

/** The budget port as a list: what was asked, and a scripted answer. */
class ListLedger {
  readonly requests: ReservationRequest[] = [];
  answer: (request: ReservationRequest) => ReservationOutcome = () => ({
    reserved: true,
    usages: [],
  });

  reserve = async (request: ReservationRequest) => {
    this.requests.push(request);
    return this.answer(request);
  };
  usage = async () => ({ usages: [], override: null });
  setOverride = async () => {};
  deleteOverride = async () => false;
}

class WarnedRecorder extends CollectingRecorder {
  readonly warnings: BudgetWarning[] = [];
  budgetWarning(warning: BudgetWarning): void {
    this.warnings.push(warning);
  }
}

const POLICY: CallBudgetPolicy = {
  defaults: {
    user: { usd: "1", tokens: null, period: "daily" },
    session: { usd: null, tokens: null },
    run: { usd: "0.1", tokens: null },
  },
  maxOutputTokens: 500,
  reservationTtlSeconds: 60,
  unpriced: "tokens_only",
  softLimitRatio: 0.8,
};

const PROMPT: LanguageModelV3Prompt = [
  { role: "system", content: "You are terse." },
  { role: "user", content: [{ type: "text", text: "How much is this?" }] },
];

let server: ScriptedOpenAiServer;
let ledger: ListLedger;
let recorder: WarnedRecorder;
const NOW = new Date("2026-11-25T10:00:00Z");

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
});
afterAll(() => server.close());
beforeEach(() => {
  ledger = new ListLedger();
  recorder = new WarnedRecorder();
});

function model(agentBudget?: { run?: { usd?: string | null } }) {
  const gateway = createLlmGateway({
    settings: settingsWith({
      provider_base_urls: { openai_compatible: server.baseUrl },
    }),
    models: {
      house: {
        code: "house",
        provider: "openai-compatible",
        model: "house-model",
        price_override: { input_mtok: "2", output_mtok: "8" },
      },
    },
    ids: sequentialIds("call"),
    clock: () => NOW,
    budgets: { ledger: ledger as BudgetLedger, policy: POLICY },
  });
  return gateway.model({
    modelCode: "house",
    context: CONTEXT,
    recorder,
    ...(agentBudget ? { agentBudget } : {}),
  });
}

async function drain(stream: ReadableStream<unknown>) {
  const reader = stream.getReader();
  while (!(await reader.read()).done);
}

describe("the budget guard in the metered model", () => {
  it("reserves the call's estimate under the call's own id, caps its output at the estimate and records it under that id", async () => {
    server.enqueue({ text: "Cheap.", usage: { prompt_tokens: 12, completion_tokens: 2 } });
    const { stream } = await model().doStream({ prompt: PROMPT });
    await drain(stream);
    const [record] = await recorder.waitFor(1);

    const [request] = ledger.requests;
    const inputTokens = estimatePromptTokens({ prompt: PROMPT });
    expect(request).toMatchObject({
      id: record?.id,
      userId: CONTEXT.userId,
      sessionId: CONTEXT.sessionId,
      runId: CONTEXT.runId,
      agentType: CONTEXT.agentType,
      provider: "openai-compatible",
      model: "house-model",
      estimateTokens: inputTokens + 500,
      estimateUsd: String((inputTokens * 2 + 500 * 8) / 1_000_000),
      limits: POLICY.defaults,
      now: NOW,
      expiresAt: new Date(NOW.getTime() + 60_000),
    });
    expect(server.requests.at(-1)?.body.max_tokens).toBe(500);
  });

  it("keeps the agent's own output cap and uses its run limit", async () => {
    server.enqueue({ text: "Ok." });
    const { stream } = await model({ run: { usd: "2" } }).doStream({
      prompt: PROMPT,
      maxOutputTokens: 64,
    });
    await drain(stream);
    expect(ledger.requests[0]?.estimateTokens).toBe(estimatePromptTokens({ prompt: PROMPT }) + 64);
    expect(ledger.requests[0]?.limits.run).toEqual({ usd: "2", tokens: null });
    expect(server.requests.at(-1)?.body.max_tokens).toBe(64);
  });

  it("does not make or record a call that does not fit, and says why", async () => {
    const before = server.requests.length;
    ledger.answer = (request) => ({
      reserved: false,
      usages: [],
      breach: {
        scope: "run",
        measure: "usd",
        limit: "0.1",
        spent: "0.099",
        reserved: "0",
        estimate: String(request.estimateUsd),
        resetsAt: null,
      },
    });
    const refused = model().doStream({ prompt: PROMPT });
    await expect(refused).rejects.toSatisfy(
      (error) =>
        BudgetExceededError.isInstance(error) &&
        error.details?.scope === "run" &&
        error.details?.limit_usd === "0.1" &&
        /run budget of 0.1 USD/.test(error.message),
    );
    expect(server.requests.length).toBe(before);
    expect(recorder.records).toEqual([]);
  });

  it("passes a soft-limit crossing to the recorder", async () => {
    const user: ScopeUsage = {
      scope: "user",
      limit: { usd: "0.01", tokens: null },
      period: "daily",
      periodStart: null,
      resetsAt: new Date("2026-11-26T00:00:00Z"),
      spentUsd: "0.007",
      spentTokens: 0,
      reservedUsd: "0",
      reservedTokens: 0,
    };
    ledger.answer = () => ({ reserved: true, usages: [user] });
    server.enqueue({ text: "Ok." });
    const { stream } = await model().doStream({ prompt: PROMPT });
    await drain(stream);
    expect(recorder.warnings).toEqual([
      expect.objectContaining({ scope: "user", measure: "usd", limit: "0.01", ratio: 0.8 }),
    ]);
  });
});
