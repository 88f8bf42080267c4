import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ScriptedOpenAiServer,
  startScriptedOpenAiServer,
} from "../../support/scripted-openai-server.js";

let server: ScriptedOpenAiServer;

beforeEach(async () => {
  server = await startScriptedOpenAiServer();
});

afterEach(async () => {
  await server.close();
});

function post(body: Record<string, unknown>, signal?: AbortSignal) {
  return fetch(`${server.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-key" },
    body: JSON.stringify(body),
    signal,
  });
}

/** The JSON payloads of an SSE body, `[DONE]` kept as a string. */
async function sseEvents(response: Response): Promise<unknown[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: "))
    .map((frame) => frame.slice("data: ".length))
    .map((data) => (data === "[DONE]" ? data : JSON.parse(data)));
}

type Chunk = {
  id: string;
  model: string;
  object: string;
  choices: { delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: Record<string, unknown>;
};

describe("scripted OpenAI-compatible server", () => {
  it("streams text chunks, a finish chunk, the usage chunk and [DONE] in the OpenAI format", async () => {
    server.enqueue({ text: ["Hel", "lo"], usage: { prompt_tokens: 7, completion_tokens: 2 } });

    const response = await post({
      model: "m-1",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    });
    const events = await sseEvents(response);

    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1) as Chunk[];
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.every((chunk) => chunk.model === "m-1")).toBe(true);
    const contents = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content));
    expect(contents.filter((content) => typeof content === "string").join("")).toBe("Hello");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 7,
      completion_tokens: 2,
      total_tokens: 9,
    });
  });

  it("splits tool-call arguments over the requested number of chunks", async () => {
    server.enqueue({
      toolCalls: [
        { id: "call_1", name: "srv_get_time", arguments: { zone: "UTC" }, argumentChunks: 3 },
      ],
    });

    const chunks = (await sseEvents(await post({ model: "m", stream: true }))).slice(
      0,
      -1,
    ) as Chunk[];

    const toolDeltas = chunks.flatMap((chunk) =>
      chunk.choices.flatMap(
        (choice) => (choice.delta.tool_calls as Record<string, unknown>[] | undefined) ?? [],
      ),
    );
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: "call_1",
      type: "function",
      function: { name: "srv_get_time", arguments: "" },
    });
    const argumentParts = toolDeltas
      .slice(1)
      .map((delta) => (delta.function as { arguments: string }).arguments);
    expect(argumentParts).toHaveLength(3);
    expect(JSON.parse(argumentParts.join(""))).toEqual({ zone: "UTC" });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("leaves the usage chunk out when the client did not ask for it and none was scripted", async () => {
    server.enqueue({ text: "x" });

    const chunks = (await sseEvents(await post({ model: "m", stream: true }))).slice(
      0,
      -1,
    ) as Chunk[];

    expect(chunks.some((chunk) => chunk.usage !== undefined)).toBe(false);
  });

  it("answers a non-streaming request with a chat.completion body and the scripted headers", async () => {
    server.enqueue({
      text: ["a", "b"],
      toolCalls: [{ id: "call_2", name: "navigate", arguments: '{"path":"/x"}' }],
      headers: { "x-litellm-response-cost": "0.0042" },
      id: "resp-9",
    });

    const response = await post({ model: "m-2", messages: [] });
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.headers.get("x-litellm-response-cost")).toBe("0.0042");
    expect(body).toMatchObject({
      id: "resp-9",
      object: "chat.completion",
      model: "m-2",
      choices: [
        {
          message: {
            role: "assistant",
            content: "ab",
            tool_calls: [
              {
                id: "call_2",
                type: "function",
                function: { name: "navigate", arguments: '{"path":"/x"}' },
              },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it("answers a scripted failure with its status and an OpenAI-style error body", async () => {
    server.enqueue({ status: 503 });

    const response = await post({ model: "m", stream: true });

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { message: "scripted error 503" } });
  });

  it("serves the queue first, then the handler, and refuses unscripted requests with a 400", async () => {
    server.enqueue({ text: "queued" });
    server.setHandler((request) =>
      JSON.stringify(request.body.messages).includes("route-me") ? { text: "handled" } : undefined,
    );

    const first = await (
      await post({ model: "m", messages: [{ role: "user", content: "route-me" }] })
    ).json();
    const second = await (
      await post({ model: "m", messages: [{ role: "user", content: "route-me" }] })
    ).json();
    const third = await post({ model: "m", messages: [{ role: "user", content: "other" }] });

    expect(first).toMatchObject({ choices: [{ message: { content: "queued" } }] });
    expect(second).toMatchObject({ choices: [{ message: { content: "handled" } }] });
    expect(third.status).toBe(400);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer test-key");
  });

  it("survives a client that disconnects from a hanging stream, and keeps serving", async () => {
    server.enqueue({ text: ["a", "b", "c"], hangAfterChunks: 2 }, { text: "next" });
    const controller = new AbortController();

    const response = await post({ model: "m", stream: true }, controller.signal);
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await expect(reader?.read()).rejects.toThrow();

    const next = await (await post({ model: "m" })).json();
    expect(next).toMatchObject({ choices: [{ message: { content: "next" } }] });
  });

  it("closes while a stream hangs", async () => {
    server.enqueue({ text: ["a", "b"], hangAfterChunks: 1 });
    const response = await post({ model: "m", stream: true });
    const reader = response.body?.getReader();
    await reader?.read();

    await server.close();

    await expect(reader?.read()).rejects.toThrow();
    server = await startScriptedOpenAiServer();
  });

  it("answers 404 for other routes and 400 for a body that is not JSON", async () => {
    const notFound = await fetch(`${server.baseUrl}/embeddings`);
    const notJson = await fetch(`${server.baseUrl}/chat/completions`, {
      method: "POST",
      body: "{",
    });

    expect(notFound.status).toBe(404);
    expect(notJson.status).toBe(400);
    expect(server.requests).toHaveLength(0);
  });

  it("lists its models in OpenAI's format, or answers the scripted status", async () => {
    const listed = await fetch(`${server.baseUrl}/models`, {
      headers: { authorization: "Bearer k" },
    });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({
      object: "list",
      data: [{ id: "scripted-model", object: "model" }],
    });

    server.setModels({ ids: ["a", "b"] });
    const two = (await (await fetch(`${server.baseUrl}/models`)).json()) as {
      data: { id: string }[];
    };
    expect(two.data.map((model) => model.id)).toEqual(["a", "b"]);

    server.setModels({ status: 401 });
    expect((await fetch(`${server.baseUrl}/models`)).status).toBe(401);
    expect(server.modelListRequests.map((headers) => headers.authorization)).toEqual([
      "Bearer k",
      undefined,
      undefined,
    ]);
    expect(server.requests).toHaveLength(0);
  });
});
