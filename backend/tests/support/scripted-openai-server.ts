import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A scripted OpenAI chat-completions server for tests (the "fake LLM at the provider
 * boundary" of ARCHITECTURE.md §7). It speaks the real wire format — SSE chunks with
 * `choices[0].delta`, tool-call deltas with arguments split over chunks, a final usage chunk,
 * `data: [DONE]` — and plain JSON for non-streaming calls. `GET /models` lists models in OpenAI's
 * format (`{ object: "list", data: [{ id, … }] }`), as LiteLLM, vLLM and Ollama do.
 *
 * Defaults: model = the request's model, id = `chatcmpl-scripted-<n>`, usage =
 * `{ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }`, finish reason `tool_calls`
 * when there are tool calls else `stop`, tool arguments split into 2 chunks. The usage chunk is
 * sent when the request sets `stream_options.include_usage` or when `usage` is scripted
 * (like LiteLLM's `always_include_stream_usage`). A request nothing was scripted for gets a
 * 400 (not retried) whose message says so.
 */
export interface ScriptedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown> | string;
  /** How many chunks the arguments string is split over. @defaultValue 2 */
  argumentChunks?: number;
}

export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
  cost?: number;
}

export interface ScriptedResponse {
  /** An HTTP status ≥ 400 answers with `errorBody` (or an OpenAI-style error) instead. */
  status?: number;
  errorBody?: unknown;
  /** The assistant text, streamed as these chunks. */
  text?: string | string[];
  toolCalls?: ScriptedToolCall[];
  usage?: ScriptedUsage;
  headers?: Record<string, string>;
  model?: string;
  id?: string;
  finishReason?: string;
  /** Wait before the first byte. */
  delayMs?: number;
  /** Wait between SSE events. */
  chunkDelayMs?: number;
  /** Stop after this many SSE events and keep the connection open (abort tests). */
  hangAfterChunks?: number;
}

export interface ScriptedRequest {
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export type ScriptedHandler = (request: ScriptedRequest) => ScriptedResponse | undefined;

/** What `GET /models` answers: model ids (OpenAI's list format), or an HTTP error status. */
export type ScriptedModelList = { ids: string[] } | { status: number };

export interface ScriptedOpenAiServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  /** Every chat-completions request received, in order. */
  readonly requests: readonly ScriptedRequest[];
  /** Responses served first-in first-out, before the handler is asked. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Answers requests when the queue is empty (e.g. to route concurrent runs by content). */
  setHandler(handler: ScriptedHandler | undefined): void;
  /** What `GET /models` answers from now on. @defaultValue `{ ids: ["scripted-model"] }` */
  setModels(models: ScriptedModelList): void;
  /** How many `GET /models` requests arrived, and their headers. */
  readonly modelListRequests: readonly IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Responses whose client went away (or that ended): nothing more is written to them. */
const closedResponses = new WeakSet<ServerResponse>();

const DEFAULT_USAGE: ScriptedUsage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

export async function startScriptedOpenAiServer(): Promise<ScriptedOpenAiServer> {
  const queue: ScriptedResponse[] = [];
  const requests: ScriptedRequest[] = [];
  let handler: ScriptedHandler | undefined;
  let served = 0;
  let models: ScriptedModelList = { ids: ["scripted-model"] };
  const modelListRequests: IncomingHttpHeaders[] = [];

  const server = createServer((request, response) => {
    // A client that disconnects mid-response must not crash the server.
    response.on("error", () => {});
    response.on("close", () => closedResponses.add(response));
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("error", () => {});
    request.on("end", () => {
      if (request.method === "GET" && request.url?.split("?")[0]?.endsWith("/models")) {
        modelListRequests.push(request.headers);
        if ("status" in models) {
          writeJson(response, models.status, {
            error: { message: `scripted status ${models.status}` },
          });
        } else {
          writeJson(response, 200, {
            object: "list",
            data: models.ids.map((id) => ({
              id,
              object: "model",
              created: 0,
              owned_by: "scripted",
            })),
          });
        }
        return;
      }
      if (request.method !== "POST" || !request.url?.split("?")[0]?.endsWith("/chat/completions")) {
        writeJson(response, 404, {
          error: { message: `No route for ${request.method} ${request.url}` },
        });
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      } catch {
        writeJson(response, 400, { error: { message: "Request body is not JSON" } });
        return;
      }
      const scripted: ScriptedRequest = { body, headers: request.headers };
      requests.push(scripted);
      served++;
      const reply = queue.shift() ?? handler?.(scripted);
      const context = { body, sequence: served };
      void respond(response, reply, context).catch(() => {
        if (!response.headersSent)
          writeJson(response, 500, { error: { message: "scripted server failure" } });
        else response.destroy();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    setHandler: (next) => {
      handler = next;
    },
    setModels: (next) => {
      models = next;
    },
    modelListRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface ReplyContext {
  body: Record<string, unknown>;
  sequence: number;
}

async function respond(
  response: ServerResponse,
  reply: ScriptedResponse | undefined,
  context: ReplyContext,
): Promise<void> {
  if (reply === undefined) {
    writeJson(response, 400, {
      error: {
        message: "scripted-openai-server: no scripted response for this request",
        type: "invalid_request_error",
      },
    });
    return;
  }
  if (reply.delayMs) await sleep(reply.delayMs);
  if (isClosed(response)) return;
  const status = reply.status ?? 200;
  if (status >= 400) {
    writeJson(
      response,
      status,
      reply.errorBody ?? {
        error: { message: `scripted error ${status}`, type: "server_error", code: status },
      },
      reply.headers,
    );
    return;
  }
  if (context.body.stream === true) await streamReply(response, reply, context);
  else writeJson(response, status, completionBody(reply, context), reply.headers);
}

async function streamReply(
  response: ServerResponse,
  reply: ScriptedResponse,
  context: ReplyContext,
): Promise<void> {
  response.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...reply.headers,
  });
  const events = streamEvents(reply, context);
  for (const [index, event] of events.entries()) {
    if (reply.hangAfterChunks !== undefined && index >= reply.hangAfterChunks) return;
    if (index > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    if (isClosed(response)) return;
    response.write(`data: ${event}\n\n`);
  }
  response.end();
}

function streamEvents(reply: ScriptedResponse, context: ReplyContext): string[] {
  const meta = metaOf(reply, context);
  const chunk = (choices: unknown[], extra?: Record<string, unknown>) =>
    JSON.stringify({ ...meta, object: "chat.completion.chunk", choices, ...extra });
  const delta = (value: Record<string, unknown>) =>
    chunk([{ index: 0, delta: value, logprobs: null, finish_reason: null }]);
  const texts = textChunks(reply.text);
  const events = [delta({ role: "assistant", content: texts.length > 0 ? "" : null })];
  for (const text of texts) events.push(delta({ content: text }));
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    events.push(
      delta({
        tool_calls: [
          { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
        ],
      }),
    );
    for (const part of splitArguments(call)) {
      events.push(delta({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  }
  events.push(
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReasonOf(reply) }]),
  );
  const options = context.body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage === true || reply.usage !== undefined) {
    events.push(chunk([], { usage: usageOf(reply) }));
  }
  events.push("[DONE]");
  return events;
}

function completionBody(reply: ScriptedResponse, context: ReplyContext): Record<string, unknown> {
  const texts = textChunks(reply.text);
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: argumentsText(call) },
  }));
  return {
    ...metaOf(reply, context),
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: texts.length > 0 ? texts.join("") : null,
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: finishReasonOf(reply),
      },
    ],
    usage: usageOf(reply),
  };
}

function metaOf(reply: ScriptedResponse, context: ReplyContext) {
  return {
    id: reply.id ?? `chatcmpl-scripted-${context.sequence}`,
    created: 1_700_000_000,
    model:
      reply.model ?? (typeof context.body.model === "string" ? context.body.model : "scripted"),
  };
}

function textChunks(text: string | string[] | undefined): string[] {
  if (text === undefined) return [];
  return typeof text === "string" ? [text] : text;
}

function finishReasonOf(reply: ScriptedResponse): string {
  return reply.finishReason ?? ((reply.toolCalls?.length ?? 0) > 0 ? "tool_calls" : "stop");
}

function usageOf(reply: ScriptedResponse): ScriptedUsage {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    ...usage,
    total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
  };
}

function argumentsText(call: ScriptedToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}

function splitArguments(call: ScriptedToolCall): string[] {
  const text = argumentsText(call);
  const count = Math.max(1, Math.min(call.argumentChunks ?? 2, text.length));
  const size = Math.ceil(text.length / count);
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size)
    parts.push(text.slice(start, start + size));
  return parts.length > 0 ? parts : [""];
}

function writeJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (isClosed(response)) return;
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function isClosed(response: ServerResponse): boolean {
  return closedResponses.has(response) || response.destroyed || response.writableEnded;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
