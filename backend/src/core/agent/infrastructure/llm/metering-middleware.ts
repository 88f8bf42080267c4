import type {
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import type { CallBudgetGuard } from "./budget-guard.js";
import { LlmCallMeter, type MeteredTarget } from "./llm-call-meter.js";
import type { LlmCallContext, LlmCallRecorder } from "./llm-call-record.js";

export interface MeteringMiddlewareInit {
  ids: () => string;
  clock: () => Date;
  target: MeteredTarget;
  context: LlmCallContext;
  recorder: LlmCallRecorder;
  /** Present when budgets are on: each call first reserves its estimate (and may be refused). */
  guard?: CallBudgetGuard;
}

/**
 * Meters every provider call that passes through it: one `llm_calls` record per `doGenerate`
 * / `doStream`, so each retry attempt (the crew's `withRetries` in crew/model-step.ts) is a
 * record of its own. The call id is minted before the request; with budgets on, the call's
 * reservation is made under that id first (a refused call is not made and not recorded), and
 * the call's output is capped at what the reservation assumed. Errors are recorded and
 * rethrown untouched (retry logic must still recognise them); `translateLlmError` turns them
 * into coded errors later.
 */
export function createMeteringMiddleware(init: MeteringMiddlewareInit): LanguageModelV3Middleware {
  const { guard } = init;
  const startCall = async (params: LanguageModelV3CallOptions) => {
    const id = init.ids();
    if (guard) await guard.reserve({ callId: id, params });
    return new LlmCallMeter({
      id,
      clock: init.clock,
      target: init.target,
      context: init.context,
      recorder: init.recorder,
      request: {
        ...(params.maxOutputTokens === undefined
          ? {}
          : { maxOutputTokens: params.maxOutputTokens }),
        ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
      },
    });
  };

  return {
    specificationVersion: "v3",

    ...(guard
      ? {
          transformParams: async ({ params }) => ({
            ...params,
            maxOutputTokens: guard.outputCap(params.maxOutputTokens),
          }),
        }
      : {}),

    async wrapGenerate({ doGenerate, params }) {
      const meter = await startCall(params);
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
      const meter = await startCall(params);
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
