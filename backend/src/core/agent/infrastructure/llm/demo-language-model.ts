import { createHash } from "node:crypto";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { abortableSleep } from "./abortable-sleep.js";
import { estimateTokens, promptCharacters } from "./demo-prompt.js";
import { type DemoReply, planDemoReply } from "./demo-reply.js";

export const DEMO_MODEL_ID = "demo";
const DEMO_PROVIDER = "demo";

export interface DemoLanguageModelOptions {
  /** Pause before each streamed chunk after the first. @defaultValue 0 */
  chunkDelayMs?: number;
  clock: () => Date;
}

/**
 * The offline demo model: a `LanguageModelV3` that answers from the prompt alone (see
 * `planDemoReply`), with no network, reporting usage estimated from text length. It lets the
 * quick start show every flow (text, intent, backend, approval and frontend tools) without a
 * provider key.
 */
export class DemoLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3";
  readonly provider = DEMO_PROVIDER;
  readonly modelId = DEMO_MODEL_ID;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  readonly #chunkDelayMs: number;
  readonly #clock: () => Date;

  constructor(options: DemoLanguageModelOptions) {
    this.#chunkDelayMs = options.chunkDelayMs ?? 0;
    this.#clock = options.clock;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    options.abortSignal?.throwIfAborted();
    const reply = planDemoReply(options);
    return {
      content: [
        reply.type === "text"
          ? { type: "text", text: reply.text }
          : {
              type: "tool-call",
              toolCallId: reply.toolCallId,
              toolName: reply.toolName,
              input: JSON.stringify(reply.input),
            },
      ],
      finishReason: finishReasonOf(reply),
      usage: usageOf(options, reply),
      response: { id: responseId(reply), modelId: DEMO_MODEL_ID, timestamp: this.#clock() },
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    options.abortSignal?.throwIfAborted();
    const reply = planDemoReply(options);
    const parts = streamParts(reply, {
      usage: usageOf(options, reply),
      timestamp: this.#clock(),
    });
    return { stream: partStream(parts, this.#chunkDelayMs, options.abortSignal) };
  }
}

function streamParts(
  reply: DemoReply,
  meta: { usage: LanguageModelV3Usage; timestamp: Date },
): LanguageModelV3StreamPart[] {
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    {
      type: "response-metadata",
      id: responseId(reply),
      modelId: DEMO_MODEL_ID,
      timestamp: meta.timestamp,
    },
  ];
  if (reply.type === "text") {
    parts.push({ type: "text-start", id: "text-0" });
    for (const delta of textChunks(reply.text))
      parts.push({ type: "text-delta", id: "text-0", delta });
    parts.push({ type: "text-end", id: "text-0" });
  } else {
    const id = reply.toolCallId;
    const input = JSON.stringify(reply.input);
    const middle = Math.ceil(input.length / 2);
    parts.push(
      { type: "tool-input-start", id, toolName: reply.toolName },
      { type: "tool-input-delta", id, delta: input.slice(0, middle) },
      { type: "tool-input-delta", id, delta: input.slice(middle) },
      { type: "tool-input-end", id },
      { type: "tool-call", toolCallId: id, toolName: reply.toolName, input },
    );
  }
  parts.push({ type: "finish", usage: meta.usage, finishReason: finishReasonOf(reply) });
  return parts;
}

/** Word-sized chunks, so clients see a real stream of several deltas. */
function textChunks(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

function partStream(
  parts: readonly LanguageModelV3StreamPart[],
  chunkDelayMs: number,
  abortSignal: AbortSignal | undefined,
): ReadableStream<LanguageModelV3StreamPart> {
  let index = 0;
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      try {
        if (index > 1 && chunkDelayMs > 0) await abortableSleep(chunkDelayMs, abortSignal);
        abortSignal?.throwIfAborted();
      } catch (error) {
        controller.error(error);
        return;
      }
      const part = parts[index++];
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}

function finishReasonOf(reply: DemoReply): LanguageModelV3FinishReason {
  return reply.type === "text"
    ? { unified: "stop", raw: "stop" }
    : { unified: "tool-calls", raw: "tool_calls" };
}

function usageOf(options: LanguageModelV3CallOptions, reply: DemoReply): LanguageModelV3Usage {
  const input = estimateTokens(promptCharacters(options.prompt));
  const output = estimateTokens(
    reply.type === "text" ? reply.text.length : JSON.stringify(reply.input).length,
  );
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
    raw: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  };
}

function responseId(reply: DemoReply): string {
  const seed = reply.type === "text" ? reply.text : `${reply.toolCallId}:${reply.toolName}`;
  return `demo-${createHash("sha256").update(seed).digest("hex").slice(0, 16)}`;
}
