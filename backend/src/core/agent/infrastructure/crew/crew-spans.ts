import {
  AGENT_RUNTIME,
  GEN_AI,
  GEN_AI_OPERATION,
} from "../../../../core/observability/genai-attributes.js";
import { annotateActiveSpan, inSpan } from "../../../../core/observability/trace-spans.js";
import type { CrewStage } from "./crew-factory.js";

/** Names the run's span (`invoke_workflow {workflow}`) once the workflow is known. */
export function annotateWorkflowSpan(workflow: string): void {
  annotateActiveSpan({
    name: `${GEN_AI_OPERATION.invokeWorkflow} ${workflow}`,
    attributes: { [GEN_AI.workflowName]: workflow },
  });
}

/** One stage is one agent invocation: `invoke_agent {agent}`; its model and tool calls nest in it. */
export function inStageSpan<T>(stage: CrewStage, work: () => Promise<T>): Promise<T> {
  return inSpan(
    `${GEN_AI_OPERATION.invokeAgent} ${stage.agent.agentType}`,
    {
      attributes: {
        [GEN_AI.operationName]: GEN_AI_OPERATION.invokeAgent,
        [GEN_AI.agentName]: stage.agent.agentType,
        [AGENT_RUNTIME.stage]: stage.name,
      },
    },
    () => work(),
  );
}
