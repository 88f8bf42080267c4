import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import type { ChatMessage } from "../../application/ports/chat-message.js";
import type { CrewEvent } from "../../application/ports/run-event.js";
import { OutputInvalidError } from "../../domain/errors.js";
import {
  fieldOf,
  type JsonSchemaIssue,
  type JsonSchemaValidator,
} from "../../domain/json-schema-validator.js";
import type { TaskOutputSchema } from "../config/runtime-config.js";
import type { CrewStage } from "./crew-factory.js";

/** Model answers per stage before a structured output is given up on (1 + corrections). */
export const STRUCTURED_OUTPUT_ATTEMPTS = 3;

export type StructuredAnswer =
  | { type: "accepted"; text: string; value: unknown }
  | { type: "correct"; messages: ChatMessage[] };

/**
 * Checks a final answer against the task's `output_json` / `output_pydantic` schema. A valid
 * answer is kept as compact JSON (what the message and later stages get). An invalid one gets
 * the model another try with the reasons (as CrewAI's converter does), until
 * `STRUCTURED_OUTPUT_ATTEMPTS` answers were refused: then the run fails with OUTPUT_INVALID
 * rather than hand a client JSON it was promised and did not get.
 */
export function checkStructuredAnswer({
  output,
  task,
  text,
  attempt,
  validator,
  ids,
}: {
  output: TaskOutputSchema;
  task: string;
  text: string;
  /** 1 for the first answer of the stage. */
  attempt: number;
  validator: JsonSchemaValidator;
  ids: () => string;
}): StructuredAnswer {
  const parsed = parseJsonAnswer(text);
  const issues: readonly JsonSchemaIssue[] = parsed.ok
    ? validator.validate({ schema: output.schema, value: parsed.value })
    : [{ pointer: "", message: `is not JSON (${parsed.reason})` }];
  if (parsed.ok && issues.length === 0) {
    return { type: "accepted", text: JSON.stringify(parsed.value), value: parsed.value };
  }
  const named = issues.map((issue) => ({
    field: fieldOf("", issue.pointer).replace(/^\./, ""),
    message: issue.message,
  }));
  const reasons = named.map((issue) => `${issue.field || "(answer)"}: ${issue.message}`).join("; ");
  if (attempt >= STRUCTURED_OUTPUT_ATTEMPTS) {
    throw new OutputInvalidError({
      message: `The answer to task "${task}" does not follow its ${output.field} schema after ${attempt} attempts: ${reasons}`,
      details: {
        task,
        field: output.field,
        attempts: attempt,
        issues: named,
      },
    });
  }
  return {
    type: "correct",
    messages: [
      { id: ids(), role: "assistant", content: text },
      {
        id: ids(),
        role: "user",
        content: `That answer does not follow the required JSON Schema: ${reasons}. Answer again with only the corrected JSON value.`,
      },
    ],
  };
}

/** The JSON in an answer: the whole text, or the inside of one ```json fenced block. */
function parseJsonAnswer(
  text: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  const candidate = fenced?.[1] ?? trimmed;
  try {
    return { ok: true, value: JSON.parse(candidate) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The provider-level response format of a stage with an output schema (none otherwise). */
export function responseFormatOf(stage: CrewStage): {
  responseFormat?: LanguageModelV3CallOptions["responseFormat"];
} {
  const { output, name } = stage.task;
  if (!output) return {};
  return { responseFormat: { type: "json", schema: output.schema, name: providerName(name) } };
}

/** A checked answer, streamed as one complete message (it was held back while unchecked). */
export function emitWholeMessage(
  emit: (event: CrewEvent) => void,
  messageId: string,
  text: string,
): void {
  emit({ type: "text-start", messageId });
  emit({ type: "text-delta", messageId, delta: text });
  emit({ type: "text-end", messageId });
}

// OpenAI's json_schema name: letters, digits, `_` and `-`, at most 64.
function providerName(task: string): string {
  return task.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "output";
}
