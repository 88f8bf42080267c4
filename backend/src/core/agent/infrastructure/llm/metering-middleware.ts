import type {
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { LlmCallMeter, type MeteredTarget } from "./llm-call-meter.js";
import type { LlmCallContext, LlmCallRecorder } from "./llm-call-record.js";

export interface MeteringMiddlewareInit {
  ids: () => string;
  clock: () => Date;
  target: MeteredTarget;
  context: LlmCallContext;
  recorder: LlmCallRecorder;
}

/**
 * Meters every provider call that passes through it: one `llm_calls` record per `doGenerate`
 * / `doStream`, so each retry attempt (the crew's `withRetries` in crew/model-step.ts) is a
 * record of its own. The call id is minted before the request. Errors are recorded and
 * rethrown untouched (retry logic must still recognise them); `translateLlmError` turns them
 * into coded errors later.
 */
export function createMeteringMiddleware(init: MeteringMiddlewareInit): LanguageModelV3Middleware {
  const startMeter = () =>
    new LlmCallMeter({
      id: init.ids(),
      clock: init.clock,
      target: init.target,
      context: init.context,
      recorder: init.recorder,
    });

  return {
    specificationVersion: "v3",

    async wrapGenerate({ doGenerate, params }) {
      const meter = startMeter();
      let result: LanguageModelV3GenerateResult;
      try {
        result = await doGenerate();
      } catch (error) {
        meter.fail(error, params.abortSignal);
        throw error;
      }
      meter.setHeaders(result.response?.headers);
      meter.setResponse(result.response);
      meter.setOutcome(result);
      meter.complete();
      return result;
    },

    async wrapStream({ doStream, params }) {
      const meter = startMeter();
      let result: LanguageModelV3StreamResult;
      try {
        result = await doStream();
      } catch (error) {
        meter.fail(error, params.abortSignal);
        throw error;
      }
      meter.setHeaders(result.response?.headers);
      return { ...result, stream: meterStream(result.stream, meter, params.abortSignal) };
    },
  };
}

/**
 * Passes the provider's stream through part by part (nothing is buffered), letting the meter
 * look at each part, and records the call when the stream ends, fails or is cancelled.
 */
function meterStream(
  source: ReadableStream<LanguageModelV3StreamPart>,
  meter: LlmCallMeter,
  abortSignal: AbortSignal | undefined,
): ReadableStream<LanguageModelV3StreamPart> {
  const reader = source.getReader();
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        meter.fail(error, abortSignal);
        controller.error(error);
        return;
      }
      if (next.done) {
        meter.complete();
        controller.close();
        return;
      }
      meter.observe(next.value);
      controller.enqueue(next.value);
    },
    cancel(reason) {
      meter.cancel(reason, abortSignal);
      return reader.cancel(reason);
    },
  });
}
