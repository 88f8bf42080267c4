import { ToolExecutionFailedError } from "../../domain/errors.js";
import type { JsonSchemaValidator } from "../../domain/json-schema-validator.js";
import type { ToolResult } from "../../domain/state-snapshot.js";
import {
  describeToolArgumentIssues,
  refusedArgumentsResult,
  toolArgumentIssues,
} from "../../domain/tool-arguments.js";
import type { ToolConfig } from "../config/runtime-config.js";
import type { ToolLogger } from "../tools/tool-handler.js";
import type { ToolInvoker } from "../tools/tool-source-registry.js";
import type { AgentStateAccess } from "./agent-state-access.js";
import type { ToolExecutionLedger } from "./tool-execution-ledger.js";

/**
 * Runs backend tools. A handler that throws gives the model an error result (it can recover
 * or tell the user); a handler id nobody registered is a configuration fault and fails the
 * run with TOOL_EXECUTION_FAILED. Arguments that do not fit the tool's JSON schema
 * (`parameters`) never reach the handler: the model gets an error result naming each problem.
 * Every tool kind runs through here, so this is the one place that check lives. Side-effecting
 * tools go through the ledger, so a call runs at most once per `runId:toolCallId` even across
 * worker crashes.
 */
export class ToolExecutor {
  constructor(
    private readonly handlers: ToolInvoker,
    private readonly ledger: ToolExecutionLedger,
    private readonly validator: JsonSchemaValidator,
    private readonly logger: ToolLogger = SILENT_TOOL_LOGGER,
  ) {}

  async execute({
    tool,
    args,
    runId,
    sessionId,
    userId,
    toolCallId,
    signal,
    now,
    state,
  }: {
    tool: ToolConfig;
    args: Record<string, unknown>;
    runId: string;
    sessionId: string;
    userId: string;
    toolCallId: string;
    signal: AbortSignal;
    now: Date;
    /** The shared state, handed to the handler (see AgentStateAccess). */
    state?: AgentStateAccess;
  }): Promise<ToolResult> {
    if (!this.handlers.has(tool.handler)) {
      throw new ToolExecutionFailedError({
        message: `Tool ${tool.name} names handler "${tool.handler}", which is not registered`,
        details: { tool_name: tool.name, handler: tool.handler },
      });
    }
    const issues = toolArgumentIssues({
      validator: this.validator,
      schema: tool.parameters,
      args,
    });
    if (issues.length > 0) {
      return refusedArgumentsResult({
        toolName: tool.name,
        problem: describeToolArgumentIssues(issues),
      });
    }
    const idempotencyKey = `${runId}:${toolCallId}`;
    if (tool.side_effects) {
      const recorded = await this.ledger.find(idempotencyKey);
      if (recorded) return { content: serialise(recorded.result) };
    }
    let result: unknown;
    try {
      result = await this.handlers.invoke({
        tool,
        args,
        context: {
          runId,
          sessionId,
          userId,
          toolCallId,
          toolName: tool.name,
          idempotencyKey,
          signal,
          logger: this.logger,
          now,
          ...(state ? { state } : {}),
        },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { content: JSON.stringify({ error: message }), error: message };
    }
    if (tool.side_effects) {
      const saved = await this.ledger.save({ idempotencyKey, toolName: tool.name, result });
      return { content: serialise(saved.result) };
    }
    return { content: serialise(result) };
  }
}

const SILENT_TOOL_LOGGER: ToolLogger = { info() {}, warn() {}, error() {} };

function serialise(result: unknown): string {
  return typeof result === "string" ? result : JSON.stringify(result ?? null);
}
