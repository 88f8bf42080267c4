import {
  AGENT_RUNTIME,
  GEN_AI,
  GEN_AI_OPERATION,
} from "../../../../core/observability/genai-attributes.js";
import { contextFromCarrier, inSpan } from "../../../../core/observability/trace-spans.js";
import type { RunJob } from "../../application/ports/run-job.js";

/**
 * One worker attempt at a run as a span (`invoke_workflow`, renamed with the workflow once the
 * crew starts), a child of the api request that queued it (the job's trace context), so the
 * run's stages, model calls and tool calls share the request's trace. `user.id` and
 * `session.id` are the attributes Langfuse groups traces by.
 */
export function inRunSpan<T>(
  { job, attempt }: { job: RunJob; attempt: number },
  work: () => Promise<T>,
): Promise<T> {
  return inSpan(
    GEN_AI_OPERATION.invokeWorkflow,
    {
      parent: contextFromCarrier(job.traceContext),
      attributes: {
        [GEN_AI.operationName]: GEN_AI_OPERATION.invokeWorkflow,
        [GEN_AI.conversationId]: job.sessionId,
        [AGENT_RUNTIME.runId]: job.runId,
        [AGENT_RUNTIME.runKind]: job.kind,
        [AGENT_RUNTIME.runAttempt]: attempt,
        "session.id": job.sessionId,
        "user.id": job.userId,
      },
    },
    () => work(),
  );
}
