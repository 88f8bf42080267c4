import { assertClientStateSize, mergeClientState } from "../domain/agent-state.js";
import { InputMissingError, RequestError } from "../domain/errors.js";
import type { JsonSchemaValidator } from "../domain/json-schema-validator.js";
import { inputTexts, missingInputs } from "../domain/run-inputs.js";
import { assertNoToolNameConflict, backendToolMatcher } from "../domain/tool-policy.js";
import { newMessages, planAdmission, trailingMessages } from "./admission-plan.js";
import { assertClientToolSchemas } from "./client-tool-schemas.js";
import type { AgentCatalog } from "./ports/agent-catalog.js";
import type { Clock } from "./ports/clock.js";
import type { RunAdmissions } from "./run-admissions.js";
import type { RunAcceptance, RunRequest } from "./run-request.js";

/**
 * `POST /runs`: a user turn, or the resume of a paused run when the turn carries the
 * answers (tool messages for frontend calls, `resume` entries for approvals).
 */
export class RunService {
  constructor(
    private readonly dependencies: {
      admissions: RunAdmissions;
      catalog: AgentCatalog;
      clock: Clock;
      validator: JsonSchemaValidator;
      /** Largest client state accepted (JSON bytes). */
      agentStateMaxBytes: number;
    },
  ) {}

  async enqueueRun({
    userId,
    request,
    idempotencyKey,
  }: {
    userId: string;
    request: RunRequest;
    idempotencyKey?: string;
  }): Promise<RunAcceptance> {
    const { admissions, catalog, clock, validator, agentStateMaxBytes } = this.dependencies;
    if (request.state)
      assertClientStateSize({
        state: request.state,
        maxBytes: agentStateMaxBytes,
        field: "body.state",
      });
    const workflow = request.workflow ?? (await catalog.defaultWorkflow());
    if (!(await catalog.hasWorkflow(workflow))) {
      throw new RequestError({
        code: "VALIDATION_ERROR",
        message: `Unknown workflow "${workflow}" in forwardedProps.agent`,
        details: { field: "forwardedProps.agent" },
      });
    }
    assertClientToolSchemas({ tools: request.tools, validator });
    const [backendTools, reservedPrefixes] = await Promise.all([
      catalog.backendToolParameters(),
      catalog.backendToolPrefixes(),
    ]);
    // A client tool may never shadow a backend tool (TOOL_NAME_CONFLICT).
    assertNoToolNameConflict({
      clientTools: request.tools,
      backendTools,
      reservedPrefixes,
    });
    const isBackendTool = backendToolMatcher({ backendTools, reservedPrefixes });
    const declaredInputs = await catalog.workflowInputs();
    const inputs = inputTexts(request.inputs ?? {});
    const sentState =
      request.state && Object.keys(request.state).length > 0 ? request.state : undefined;
    const answersCalls =
      (request.resume?.length ?? 0) > 0 ||
      trailingMessages(request.messages).some((message) => message.role === "tool");
    return admissions.admit({
      userId,
      runId: request.runId,
      threadId: request.threadId,
      workflow,
      clientTools: request.tools,
      ...(idempotencyKey ? { idempotencyKey } : {}),
      ...(sentState ? { state: sentState } : {}),
      ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
      ...(request.context ? { context: request.context } : {}),
      // The one-round-trip admission checks the plan after writing: a history that names a
      // backend tool's call may have to be refused (BACKEND_TOOL_IN_HISTORY) before anything
      // is written, so it takes the general path.
      plainTurn:
        !answersCalls &&
        !request.messages.some(
          (message) =>
            message.role === "assistant" &&
            (message.toolCalls ?? []).some((call) => isBackendTool(call.function.name)),
        ),
      answersCalls,
      plan: (session) => {
        const planned = planAdmission({
          session,
          messages: newMessages(session, request.messages),
          requestMessages: request.messages,
          ...(request.resume ? { resume: request.resume } : {}),
          backendTools,
          isBackendTool,
          validator,
          now: clock(),
        });
        // A new turn fills its placeholders now; a resume keeps the paused run's inputs.
        if (planned.kind === "run") {
          const missing = missingInputs({
            declared: declaredInputs[session.workflow] ?? [],
            inputs,
            // The state the run will have: the client's keys over the thread's (mergeClientState).
            state: mergeClientState(session.snapshot.agent_state, sentState),
          });
          if (missing.length > 0) throw new InputMissingError({ inputs: missing });
        }
        return planned;
      },
    });
  }
}
