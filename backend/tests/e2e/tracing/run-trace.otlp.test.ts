import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTestDatabase, uniqueId } from "../../support/database.js";
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from "../../support/otlp-receiver.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";
import { ScriptedStages } from "../../support/scripted-stages.js";
import { type Services, startServices } from "../../support/service-processes.js";
import { scriptedDeepseek, testEnvironment } from "../../support/test-settings.js";

const SERVER = 2;
const CLIENT = 3;

let receiver: OtlpReceiver;
let server: ScriptedOpenAiServer;
let stages: ScriptedStages;
let services: Services;
const database = connectTestDatabase(2);

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  server = await startScriptedOpenAiServer();
  stages = new ScriptedStages(server);
  services = await startServices(
    testEnvironment({
      ...scriptedDeepseek(server.baseUrl),
      SOCIAL_TELEMETRY__TRACES_ENDPOINT: receiver.tracesUrl,
      SOCIAL_TELEMETRY__HEADERS:
        "Authorization=Basic%20dGVzdDp0ZXN0,x-langfuse-ingestion-version=4",
      SOCIAL_TELEMETRY__EXPORT_DELAY_MS: "100",
    }),
  );
}, 60_000);

afterAll(async () => {
  await services?.stop();
  await server?.close();
  await receiver?.close();
  await database.close();
});

/** Waits until the receiver holds spans of `traceId` named as expected (exports are batched). */
async function spansOf(traceId: string, expectedNames: string[]): Promise<ReceivedSpan[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    const names = spans.map((span) => span.name);
    if (expectedNames.every((name) => names.includes(name))) return spans;
    if (Date.now() > deadline) {
      throw new Error(`trace ${traceId} has only ${JSON.stringify(names)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReceivedSpan;
}

describe("one trace per run, exported by OTLP over HTTP", () => {
  it("follows the run from the api request through the queue into the worker's stages, model calls and tool calls", async () => {
    const marker = uniqueId("traced");
    stages.script(marker, {
      intent: { text: "action", usage: { prompt_tokens: 150, completion_tokens: 2 } },
      respond: (call) =>
        call === 1
          ? {
              toolCalls: [{ id: "call_time", name: "srv_get_current_time", arguments: {} }],
              usage: { prompt_tokens: 300, completion_tokens: 20 },
            }
          : { text: "It is noon.", usage: { prompt_tokens: 340, completion_tokens: 6 } },
    });
    const userId = uniqueId("traced-user");
    const client = RunApiClient.forUser(services.baseUrl, userId);
    const input = runInput({ text: `What time is it? ${marker}` });
    // The client's own trace: the run's spans must continue it.
    const traceId = randomBytes(16).toString("hex");
    const clientSpanId = randomBytes(8).toString("hex");
    const accepted = await client.request("/runs", {
      body: input,
      headers: { traceparent: `00-${traceId}-${clientSpanId}-01` },
    });
    expect(accepted.status).toBe(202);
    const run = await client.waitForRun(input.runId, ["succeeded", "failed"], 30_000);
    expect(run.status).toBe("succeeded");

    const spans = await spansOf(traceId, [
      "POST /api/v1/agent/runs",
      "invoke_workflow default",
      "invoke_agent intent",
      "invoke_agent responder",
      "execute_tool srv.get_current_time",
    ]);

    const api = only(spans, "POST /api/v1/agent/runs");
    expect(api).toMatchObject({
      kind: SERVER,
      parentSpanId: clientSpanId,
      resource: { "service.name": "agent-runtime", "agent_runtime.role": "api" },
      attributes: {
        "http.request.method": "POST",
        "http.route": "/api/v1/agent/runs",
        "http.response.status_code": 202,
      },
    });

    const workflow = only(spans, "invoke_workflow default");
    expect(workflow).toMatchObject({
      parentSpanId: api.spanId,
      resource: { "agent_runtime.role": "worker" },
      attributes: {
        "gen_ai.operation.name": "invoke_workflow",
        "gen_ai.workflow.name": "default",
        "gen_ai.conversation.id": input.threadId,
        "agent_runtime.run.id": input.runId,
        "session.id": input.threadId,
        "user.id": userId,
      },
    });

    const intent = only(spans, "invoke_agent intent");
    const responder = only(spans, "invoke_agent responder");
    for (const stage of [intent, responder]) {
      expect(stage.parentSpanId).toBe(workflow.spanId);
      expect(stage.attributes["gen_ai.operation.name"]).toBe("invoke_agent");
    }

    const { rows } = await database.pool.query<{
      id: string;
      stage: string;
      input_tokens: number;
      output_tokens: number;
      cost_usd: string;
    }>(
      `select id, stage, input_tokens, output_tokens, cost_usd::text as cost_usd
         from llm_calls where run_id = $1 order by started_at`,
      [input.runId],
    );
    const chats = spans.filter((span) => span.attributes["gen_ai.operation.name"] === "chat");
    expect(chats).toHaveLength(rows.length);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const chat = chats.find((span) => span.attributes["agent_runtime.llm_call.id"] === row.id);
      expect(chat, `span of call ${row.id}`).toBeDefined();
      expect(chat).toMatchObject({
        name: "chat deepseek-chat",
        kind: CLIENT,
        parentSpanId: row.stage === "intent" ? intent.spanId : responder.spanId,
        attributes: {
          "gen_ai.provider.name": "deepseek",
          "gen_ai.request.model": "deepseek-chat",
          "gen_ai.response.model": "deepseek-chat",
          "gen_ai.usage.input_tokens": row.input_tokens,
          "gen_ai.usage.output_tokens": row.output_tokens,
          "gen_ai.usage.cache_read.input_tokens": 0,
          "gen_ai.usage.reasoning.output_tokens": 0,
          "gen_ai.conversation.id": input.threadId,
          "gen_ai.agent.name": row.stage === "intent" ? "intent" : "responder",
          "agent_runtime.cost_source": "genai_prices",
        },
      });
      expect(chat?.attributes["gen_ai.usage.cost"]).toBeCloseTo(Number(row.cost_usd), 12);
      expect(
        JSON.parse(String(chat?.attributes["langfuse.observation.usage_details"])),
      ).toMatchObject({
        input: row.input_tokens,
        output: row.output_tokens,
      });
    }

    const tool = only(spans, "execute_tool srv.get_current_time");
    expect(tool).toMatchObject({
      parentSpanId: responder.spanId,
      attributes: {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "srv.get_current_time",
        "gen_ai.tool.call.id": "call_time",
        "gen_ai.tool.type": "function",
      },
    });
    expect(tool.status.code ?? 0).not.toBe(2);

    // The configured headers reach the backend (Langfuse: Basic auth, ingestion version).
    expect(receiver.requestHeaders[0]).toMatchObject({
      authorization: "Basic dGVzdDp0ZXN0",
      "x-langfuse-ingestion-version": "4",
    });
  });

  it("starts a trace of its own for a request that brings none, and marks a refused request's span", async () => {
    const client = RunApiClient.forUser(services.baseUrl, uniqueId("untraced"));
    const response = await client.request("/runs", { body: { threadId: "t" } });
    expect(response.status).toBe(400);
    const deadline = Date.now() + 10_000;
    let span: ReceivedSpan | undefined;
    while (!span && Date.now() < deadline) {
      span = receiver.spans.find(
        (candidate) =>
          candidate.name === "POST /api/v1/agent/runs" &&
          candidate.attributes["http.response.status_code"] === 400,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(span).toMatchObject({
      parentSpanId: undefined,
      attributes: { "error.type": "FST_ERR_VALIDATION" },
    });
  });
});
