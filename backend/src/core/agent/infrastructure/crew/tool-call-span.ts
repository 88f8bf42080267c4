import { GEN_AI, GEN_AI_OPERATION } from "../../../../core/observability/genai-attributes.js";
import { inSpan, markFailed } from "../../../../core/observability/trace-spans.js";
import type { ToolResult } from "../../domain/state-snapshot.js";

/**
 * Runs one backend tool call inside an `execute_tool {name}` span (GenAI conventions). A
 * result the model sees as an error marks the span failed; a thrown error does too.
 */
export function inToolCallSpan<R extends ToolResult>(
  call: { toolName: string; toolCallId: string },
  execute: () => Promise<R>,
): Promise<R> {
  return inSpan(
    `${GEN_AI_OPERATION.executeTool} ${call.toolName}`,
    {
      attributes: {
        [GEN_AI.operationName]: GEN_AI_OPERATION.executeTool,
        [GEN_AI.toolName]: call.toolName,
        [GEN_AI.toolCallId]: call.toolCallId,
        [GEN_AI.toolType]: "function",
      },
    },
    async (span) => {
      const result = await execute();
      if (result.error !== undefined) markFailed(span, { code: "tool_error" }, result.error);
      return result;
    },
  );
}
