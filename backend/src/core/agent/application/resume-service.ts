import { RequestError } from "../domain/errors.js";
import type { JsonSchemaValidator } from "../domain/json-schema-validator.js";
import type { ResumeDecision } from "../domain/tool-correlation.js";
import { planAdmission } from "./admission-plan.js";
import type { AgentCatalog } from "./ports/agent-catalog.js";
import type { ChatMessage } from "./ports/chat-message.js";
import type { Clock } from "./ports/clock.js";
import type { ConversationQueries } from "./ports/conversation-queries.js";
import type { IdGenerator } from "./ports/id-generator.js";
import type { RunAdmissions } from "./run-admissions.js";
import type { ResumeRequest, RunAcceptance } from "./run-request.js";

/**
 * `POST /runs/{runId}/resume`: answers the calls a paused run waits for, as a new run on the
 * same thread. Tool results become tool messages; approvals become decisions; AG-UI `resume`
 * entries are accepted too.
 */
export class ResumeService {
  constructor(
    private readonly dependencies: {
      admissions: RunAdmissions;
      queries: ConversationQueries;
      catalog: AgentCatalog;
      clock: Clock;
      ids: IdGenerator;
      validator: JsonSchemaValidator;
    },
  ) {}

  async enqueueResume({
    userId,
    request,
    idempotencyKey,
  }: {
    userId: string;
    request: ResumeRequest;
    idempotencyKey?: string;
  }): Promise<RunAcceptance> {
    const { admissions, queries, catalog, clock, ids, validator } = this.dependencies;
    const parent = await queries.findRun({ runId: request.parentRunId, userId });
    if (!parent)
      throw new RequestError({
        code: "NOT_FOUND",
        message: `Run ${request.parentRunId} not found`,
      });
    const messages: ChatMessage[] = request.toolResults.map((result) => ({
      id: ids(),
      role: "tool",
      toolCallId: result.tool_call_id,
      content: result.content,
      ...(result.error === undefined ? {} : { error: result.error }),
    }));
    const approvals = request.approvals.map(
      (approval): ResumeDecision =>
        approval.approved
          ? {
              kind: "approve",
              toolCallId: approval.tool_call_id,
              ...(approval.edited_args ? { editedArgs: approval.edited_args } : {}),
            }
          : {
              kind: "reject",
              toolCallId: approval.tool_call_id,
              ...(approval.reason ? { reason: approval.reason } : {}),
            },
    );
    const backendTools = await catalog.backendToolParameters();
    return admissions.admit({
      userId,
      runId: request.runId ?? ids(),
      sessionId: parent.sessionId,
      workflow: parent.workflow,
      clientTools: [],
      ...(idempotencyKey ? { idempotencyKey } : {}),
      plan: (session) => {
        const planned = planAdmission({
          session,
          messages,
          ...(request.resume ? { resume: request.resume } : {}),
          extraDecisions: approvals,
          backendTools,
          validator,
          now: clock(),
        });
        if (planned.kind !== "resume") {
          throw new RequestError({
            code: "RUN_NOT_ACTIVE",
            message: `Run ${request.parentRunId} is not waiting for tool results or approvals`,
          });
        }
        return planned;
      },
    });
  }
}
