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
import { crashPoint } from "./test-crash-points.js";
import type { ToolExecutionLedger } from "./tool-execution-ledger.js";

/**
 * How a call went, for the tool message and the audit log:
 * - `succeeded` / `failed`: the handler ran (now, or in an earlier attempt whose outcome the
 *   ledger recorded: `replayed`) and returned or threw;
 * - `arguments_refused`: the arguments do not fit the tool's schema; nothing ran;
 * - `outcome_unknown`: an earlier attempt started the handler and died before recording how it
 *   ended; a tool not declared `idempotent` is not started again.
 */
export type ToolExecution = ToolResult & {
  outcome: "succeeded" | "failed" | "arguments_refused" | "outcome_unknown";
  replayed?: boolean;
  /** Handler runs recorded in the ledger for this call (ledgered tools only). */
  attempts?: number;
};

/**
 * Runs backend tools; every tool kind and source goes through here, so the checks live in one
 * place. A handler that throws gives the model an error result (it can recover or tell the
 * user); a handler id nobody registered is a configuration fault and fails the run with
 * TOOL_EXECUTION_FAILED. Arguments that do not fit the tool's JSON schema (`parameters`)
 * never reach the handler: the model gets an error result naming each problem.
 *
 * Side-effecting tools go through the ledger, keyed `runId:toolCallId`: the call is recorded
 * `started` before the handler runs and with its outcome after, so a retried attempt returns
 * the recorded result instead of acting twice, and a call whose outcome a crash left unknown is
 * not started again unless the tool is declared `idempotent` (the model gets an error result
 * saying so, and the audit log a `tool_call.outcome_unknown` row).
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
  }): Promise<ToolExecution> {
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
      return {
        ...refusedArgumentsResult({
          toolName: tool.name,
          problem: describeToolArgumentIssues(issues),
        }),
        outcome: "arguments_refused",
      };
    }
    crashPoint("before-tool-call");
    const idempotencyKey = `${runId}:${toolCallId}`;
    const run = async (): Promise<{ result: unknown; error?: string }> => {
      crashPoint("before-tool-handler");
      try {
        const result = await this.handlers.invoke({
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
        crashPoint("after-tool-handler");
        return { result };
      } catch (error) {
        return { result: undefined, error: error instanceof Error ? error.message : String(error) };
      }
    };
    if (!tool.side_effects) return executionOf(await run());

    let attempts = 1;
    const claim = await this.ledger.start({ idempotencyKey, toolName: tool.name });
    if (claim.kind === "recorded") {
      return {
        ...executionOf(
          claim.error === undefined
            ? { result: claim.result }
            : { result: undefined, error: claim.error },
        ),
        replayed: true,
      };
    }
    if (claim.kind === "unknown") {
      if (!tool.idempotent) {
        await this.ledger.giveUp(idempotencyKey);
        const error = `The outcome of ${tool.name} is unknown: a worker stopped while it ran, and it was not run again because it is not declared idempotent. Tell the user it may or may not have happened; do not call it again without checking.`;
        return {
          content: JSON.stringify({ error, status: "outcome_unknown" }),
          error,
          outcome: "outcome_unknown",
          attempts: claim.attempts,
        };
      }
      await this.ledger.restart(idempotencyKey);
      attempts = claim.attempts + 1;
    }
    const ran = await run();
    await this.ledger.finish({
      idempotencyKey,
      result: ran.result,
      ...(ran.error === undefined ? {} : { error: ran.error }),
    });
    return { ...executionOf(ran), attempts };
  }
}

function executionOf({ result, error }: { result: unknown; error?: string }): ToolExecution {
  if (error !== undefined) return { content: JSON.stringify({ error }), error, outcome: "failed" };
  return { content: serialise(result), outcome: "succeeded" };
}

const SILENT_TOOL_LOGGER: ToolLogger = { info() {}, warn() {}, error() {} };

function serialise(result: unknown): string {
  return typeof result === "string" ? result : JSON.stringify(result ?? null);
}
