import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calcPrice } from "@pydantic/genai-prices";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { defaultStaticConfigDirectory } from "../../../../../../src/core/agent/infrastructure/config/static-config-directory.js";
import {
  admitAndExecute,
  firstTurn,
  llmCallRows,
  messageRows,
  runEvents,
  runRow,
  ScriptedConversations,
  sessionRow,
} from "../../../../../support/crew-runs.js";
import { connectTestDatabase, uniqueId } from "../../../../../support/database.js";
import { InProcessRuntime } from "../../../../../support/in-process-runtime.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../../../../support/scripted-openai-server.js";
import { scriptedDeepseek } from "../../../../../support/test-settings.js";

let server: ScriptedOpenAiServer;
let conversations: ScriptedConversations;
let runtime: InProcessRuntime;
/** Runs on models genai-prices does not know (see `writeOverrideConfig`). */
let overrideRuntime: InProcessRuntime;
let configDirectory: string;
let database: ReturnType<typeof connectTestDatabase>;

/**
 * The shipped config plus two deepseek-served model codes genai-prices cannot price: one
 * with a price_override (the respond stage's default) and one without, pinned by the
 * intent agent.
 */
function writeOverrideConfig(): string {
  const directory = mkdtempSync(join(tmpdir(), "crew-metering-"));
  const shipped = defaultStaticConfigDirectory();
  for (const file of ["tasks.yaml", "tools.yaml", "workflow.yaml"]) {
    copyFileSync(join(shipped, file), join(directory, file));
  }
  const agents = parse(readFileSync(join(shipped, "agents.yaml"), "utf8")) as Record<
    string,
    { llm?: Record<string, unknown> }
  >;
  if (!agents.intent) throw new Error("the shipped agents.yaml has no intent agent");
  agents.intent.llm = { ...agents.intent.llm, model_code: "scripted-unpriced" };
  writeFileSync(join(directory, "agents.yaml"), stringify(agents));
  const models = parse(readFileSync(join(shipped, "models.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
  models["scripted-private"] = {
    provider: "deepseek",
    model: "scripted-private-model",
    price_override: { input_mtok: "2", output_mtok: "8", cache_read_mtok: "0.5" },
  };
  models["scripted-unpriced"] = { provider: "deepseek", model: "scripted-unpriced-model" };
  writeFileSync(join(directory, "models.yaml"), stringify(models));
  return directory;
}

beforeAll(async () => {
  server = await startScriptedOpenAiServer();
  conversations = new ScriptedConversations(server);
  runtime = await InProcessRuntime.start(scriptedDeepseek(server.baseUrl));
  configDirectory = writeOverrideConfig();
  overrideRuntime = await InProcessRuntime.start({
    ...scriptedDeepseek(server.baseUrl),
    SOCIAL_LLM__DEFAULT_MODEL_CODE: "scripted-private",
    SOCIAL_RUNTIME__CONFIG_DIR: configDirectory,
  });
  database = connectTestDatabase(2);
});

afterAll(async () => {
  await runtime?.close();
  await overrideRuntime?.close();
  await server?.close();
  await database?.close();
  if (configDirectory) rmSync(configDirectory, { recursive: true, force: true });
});

/** The sums of a run's (or a session's) llm_calls rows, summed exactly by Postgres. */
async function sumsOfRows(column: "run_id" | "session_id", id: string) {
  const result = await database.pool.query<{
    calls: number;
    input_tokens: number;
    output_tokens: number;
    cached_input_tokens: number;
    reasoning_tokens: number;
    cost_usd: string;
  }>(
    `select count(*)::int as calls,
            coalesce(sum(input_tokens), 0)::int as input_tokens,
            coalesce(sum(output_tokens), 0)::int as output_tokens,
            coalesce(sum(cache_read_tokens), 0)::int as cached_input_tokens,
            coalesce(sum(reasoning_tokens), 0)::int as reasoning_tokens,
            coalesce(sum(cost_usd), 0)::numeric(20, 12)::text as cost_usd
       from llm_calls where ${column} = $1`,
    [id],
  );
  return result.rows[0];
}

function totalsOf(row: {
  llmCallCount: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  costUsd: string;
}) {
  return {
    calls: row.llmCallCount,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cached_input_tokens: row.cachedInputTokens,
    reasoning_tokens: row.reasoningTokens,
    cost_usd: row.costUsd,
  };
}

describe("metering of the calls a run makes", () => {
  it("stores the server's token counts per call, prices each from the right source, and rolls the rows up into the run and session totals", async () => {
    const marker = uniqueId("metered");
    conversations.script(marker, {
      intent: [
        { text: "question", usage: { prompt_tokens: 210, completion_tokens: 3, cost: 0.000123 } },
        { text: "chitchat", usage: { prompt_tokens: 260, completion_tokens: 2, cost: 0.0000875 } },
      ],
      respond: [
        {
          text: "Here is the answer.",
          usage: {
            prompt_tokens: 1200,
            completion_tokens: 80,
            prompt_cache_hit_tokens: 1000,
            prompt_cache_miss_tokens: 200,
            completion_tokens_details: { reasoning_tokens: 30 },
          },
        },
        { text: "Bye.", usage: { prompt_tokens: 1300, completion_tokens: 5 } },
      ],
    });
    const turn = firstTurn({ text: `Explain metering ${marker}` });
    await admitAndExecute(runtime, "carol", turn);
    const [, answer] = await messageRows(database, turn.threadId);
    const secondRunId = uniqueId("run");
    await admitAndExecute(runtime, "carol", {
      ...turn,
      runId: secondRunId,
      messages: [
        ...turn.messages,
        { id: answer?.id, role: "assistant", content: answer?.content },
        { id: uniqueId("user-message"), role: "user", content: "thanks, bye" },
      ],
    });

    const rows = await llmCallRows(database, turn.runId);
    expect(rows).toHaveLength(2);
    const [intent, respond] = rows;
    expect(intent).toMatchObject({
      sessionId: turn.threadId,
      agentType: "intent",
      stage: "intent",
      provider: "deepseek",
      modelRequested: "deepseek-chat",
      modelResponse: "deepseek-chat",
      status: "success",
      finishReason: "stop",
      inputTokens: 210,
      outputTokens: 3,
      cacheReadTokens: 0,
      reasoningTokens: 0,
      totalTokens: 213,
      // usage.cost in the provider's usage wins over every price table.
      costSource: "provider_reported",
      costUsd: "0.000123000000",
      error: null,
    });
    expect(intent?.responseId).toMatch(/^chatcmpl-scripted-\d+$/);
    expect(respond).toMatchObject({
      agentType: "responder",
      stage: "respond",
      status: "success",
      inputTokens: 1200,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
      outputTokens: 80,
      reasoningTokens: 30,
      totalTokens: 1280,
      costSource: "genai_prices",
    });
    expect(respond?.usageRaw).toMatchObject({
      prompt_tokens: 1200,
      prompt_cache_hit_tokens: 1000,
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    // genai-prices is the oracle for its own prices, at the call's start time.
    const expected = calcPrice(
      {
        input_tokens: 1200,
        cache_read_tokens: 1000,
        output_tokens: 80,
        output_reasoning_tokens: 30,
      },
      "deepseek-chat",
      { providerId: "deepseek", timestamp: respond?.startedAt as Date },
    );
    expect(Number(respond?.costUsd)).toBeGreaterThan(0);
    expect(Number(respond?.costUsd)).toBeCloseTo(expected?.total_price ?? Number.NaN, 12);
    for (const row of rows) {
      expect(row.firstTokenAt).not.toBeNull();
      expect(row.endedAt.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
    }

    // Each run's totals are the sums of its own rows; the session's, of both runs' rows.
    const firstRun = await sumsOfRows("run_id", turn.runId);
    const secondRun = await sumsOfRows("run_id", secondRunId);
    const session = await sumsOfRows("session_id", turn.threadId);
    expect(firstRun).toMatchObject({ calls: 2, input_tokens: 1410, cached_input_tokens: 1000 });
    expect(secondRun).toMatchObject({ calls: 2, input_tokens: 1560, output_tokens: 7 });
    expect(session?.calls).toBe(4);
    expect(totalsOf(await runRow(database, turn.runId))).toEqual(firstRun);
    expect(totalsOf(await runRow(database, secondRunId))).toEqual(secondRun);
    const sessionTotals = await sessionRow(database, turn.threadId);
    expect(totalsOf(sessionTotals)).toEqual(session);
    // The snapshot's running usage covers the session too.
    expect(sessionTotals.stateSnapshot).toMatchObject({
      usage: { input_tokens: session?.input_tokens, output_tokens: session?.output_tokens },
    });
    expect(
      Number((sessionTotals.stateSnapshot as { usage: { cost_usd: string } }).usage.cost_usd),
    ).toBeCloseTo(Number(session?.cost_usd), 12);

    // RUN_FINISHED reports the run's own usage per provider and model.
    const finished = (await runEvents(runtime, turn.runId)).at(-1);
    expect(finished?.type).toBe("RUN_FINISHED");
    expect(finished?.usage).toEqual([
      expect.objectContaining({
        provider: "deepseek",
        model: "deepseek-chat",
        inputTokens: 1410,
        outputTokens: 83,
      }),
    ]);
  });

  it("prices a model genai-prices does not know from its price_override, and leaves a model without one unpriced", async () => {
    const marker = uniqueId("override");
    conversations.script(marker, {
      intent: [{ text: "question", usage: { prompt_tokens: 50, completion_tokens: 2 } }],
      respond: [
        {
          text: "Priced by the override table.",
          usage: { prompt_tokens: 1000, completion_tokens: 500, prompt_cache_hit_tokens: 400 },
        },
      ],
    });
    const turn = firstTurn({ text: `Price me ${marker}` });

    await admitAndExecute(overrideRuntime, "carol", turn);

    const [intent, respond] = await llmCallRows(database, turn.runId);
    expect(intent).toMatchObject({
      modelRequested: "scripted-unpriced-model",
      status: "success",
      inputTokens: 50,
      costSource: "unpriced",
      costUsd: null,
    });
    // 600 uncached × $2 + 400 cached × $0.5 + 500 out × $8, per million tokens = $0.0054.
    expect(respond).toMatchObject({
      modelRequested: "scripted-private-model",
      inputTokens: 1000,
      cacheReadTokens: 400,
      outputTokens: 500,
      costSource: "override",
      costUsd: "0.005400000000",
    });
    const run = await runRow(database, turn.runId);
    expect(run).toMatchObject({ status: "succeeded", llmCallCount: 2, costUsd: "0.005400000000" });
    expect(totalsOf(run)).toEqual(await sumsOfRows("run_id", turn.runId));
  });

  it("retries a 500 once and succeeds, recording the failed attempt as its own row", async () => {
    const marker = uniqueId("retry");
    conversations.script(marker, {
      intent: [{ status: 500 }, { text: "question" }],
      respond: [{ text: "Answered after a retry." }],
    });
    const turn = firstTurn({ text: `Flaky provider ${marker}` });

    await admitAndExecute(runtime, "carol", turn);

    expect(conversations.requestsFor(marker).map((request) => request.stage)).toEqual([
      "intent",
      "intent",
      "respond",
    ]);
    const rows = await llmCallRows(database, turn.runId);
    expect(rows.map((row) => [row.stage, row.status])).toEqual([
      ["intent", "error"],
      ["intent", "success"],
      ["respond", "success"],
    ]);
    expect(rows[0]).toMatchObject({
      inputTokens: 0,
      outputTokens: 0,
      costSource: "unpriced",
      costUsd: null,
    });
    expect(rows[0]?.error).toContain("500");
    const run = await runRow(database, turn.runId);
    expect(run).toMatchObject({ status: "succeeded", errorCode: null, llmCallCount: 3 });
    expect(totalsOf(run)).toEqual(await sumsOfRows("run_id", turn.runId));
    expect((await messageRows(database, turn.threadId)).at(-1)?.content).toBe(
      "Answered after a retry.",
    );
  });

  it("fails the run with LLM_PROVIDER_ERROR when the retry fails too, keeping both attempts' rows", async () => {
    const marker = uniqueId("down");
    conversations.script(marker, { intent: [{ status: 500 }, { status: 503 }] });
    const turn = firstTurn({ text: `Provider down ${marker}` });

    await admitAndExecute(runtime, "carol", turn);

    expect(conversations.requestsFor(marker)).toHaveLength(2);
    const rows = await llmCallRows(database, turn.runId);
    expect(rows.map((row) => row.status)).toEqual(["error", "error"]);
    expect(await runRow(database, turn.runId)).toMatchObject({
      status: "failed",
      errorCode: "LLM_PROVIDER_ERROR",
      llmCallCount: 2,
    });
    expect((await runEvents(runtime, turn.runId)).at(-1)).toMatchObject({
      type: "RUN_ERROR",
      code: "LLM_PROVIDER_ERROR",
    });
  });
});
