import type { ChatMessage } from "../../application/ports/chat-message.js";
import type {
  CrewRunInput,
  CrewRunner,
  CrewRunResult,
} from "../../application/ports/crew-runner.js";
import { InputMissingError, InternalError } from "../../domain/errors.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import type { RuntimeConfigLoader } from "../config/runtime-config-loader.js";
import type { CrewDependencies, CrewRunState } from "./crew-context.js";
import { buildCrew, type Crew } from "./crew-factory.js";
import { annotateWorkflowSpan, inStageSpan } from "./crew-spans.js";
import { crewVariables } from "./crew-variables.js";
import { settleReview } from "./human-review.js";
import { settleDecidedCalls } from "./settle-decided-calls.js";
import { runStage, type StageResult } from "./stage-runner.js";

/**
 * Runs a workflow's stages in order over the AI SDK, starting from a checkpoint: the run
 * cursor in the snapshot says which stage and iteration, the history holds every persisted
 * message, and calls approved (or answered) since the pause are executed first, so a resume
 * continues exactly where the run stopped.
 */
export class CrewRuntime implements CrewRunner {
  constructor(private readonly dependencies: CrewDependencies & { config: RuntimeConfigLoader }) {}

  /** The crew a run of `workflow` would use for `message` and `inputs` (prompts interpolated). */
  async buildCrew({
    message,
    workflow,
    stageOutputs = {},
    inputs = {},
  }: {
    message: string;
    workflow?: string;
    stageOutputs?: Readonly<Record<string, string>>;
    inputs?: Readonly<Record<string, string>>;
  }): Promise<Crew> {
    const config = await this.dependencies.config.get();
    const name = workflow ?? config.default_workflow;
    return buildCrew({
      config,
      workflow: name,
      variables: { ...(config.workflows[name]?.inputs ?? {}), ...inputs, ...stageOutputs, message },
      defaultModelCode: this.dependencies.gateway.defaultModelCode,
    });
  }

  async run(input: CrewRunInput): Promise<CrewRunResult> {
    const cursor = input.snapshot.run;
    if (!cursor)
      throw new InternalError({ message: `run ${input.runId} has no cursor to run from` });
    const config = await this.dependencies.config.get();
    const workflow = config.workflows[cursor.workflow];
    if (!workflow) {
      throw new InternalError({
        message: `workflow "${cursor.workflow}" is not configured any more`,
      });
    }
    annotateWorkflowSpan(cursor.workflow);
    const state: CrewRunState = {
      input,
      config,
      snapshot: input.snapshot,
      history: [...input.history],
    };

    for (let index = cursor.stage_index; index < workflow.stages.length; index++) {
      const crew = this.crewFor(state, config, cursor.workflow);
      const stage = crew.stages[index];
      if (!stage) break;
      // Never send a placeholder to the model as written (the api checked; this is final).
      if (stage.missingVariables.length > 0) {
        throw new InputMissingError({ inputs: stage.missingVariables });
      }
      input.emit({ type: "stage-start", stage: stage.name });
      const nextStage = crew.stages[index + 1]?.name ?? null;
      const result = await inStageSpan(stage, async (): Promise<StageResult> => {
        let revision: ChatMessage[] = [];
        if (index === cursor.stage_index) {
          // A human review answered since the pause (human_input) decides first.
          const review = await settleReview({
            state,
            stage,
            nextStage,
            dependencies: this.dependencies,
          });
          if (review.type === "approved") return { type: "finished" };
          if (review.type === "revise") revision = review.scratch;
          await settleDecidedCalls(state, this.dependencies);
        }
        return runStage({ state, stage, nextStage, dependencies: this.dependencies, revision });
      });
      input.emit({ type: "stage-end", stage: stage.name });
      if (result.type === "paused") return { type: "paused", snapshot: state.snapshot };
    }
    return { type: "completed", snapshot: state.snapshot };
  }

  /** Rebuilt per stage: `{<stage>}` placeholders fill in as earlier stages finish. */
  private crewFor(state: CrewRunState, config: RuntimeConfig, workflow: string): Crew {
    return buildCrew({
      config,
      workflow,
      variables: crewVariables({
        config,
        workflow,
        snapshot: state.snapshot,
        history: state.history,
        now: this.dependencies.clock(),
      }),
      defaultModelCode: this.dependencies.gateway.defaultModelCode,
    });
  }
}
