import type {
  CrewRunInput,
  CrewRunner,
  CrewRunResult,
} from "../../application/ports/crew-runner.js";
import { InternalError } from "../../domain/errors.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import type { RuntimeConfigLoader } from "../config/runtime-config-loader.js";
import { type CrewDependencies, type CrewRunState, latestUserText } from "./crew-context.js";
import { buildCrew, type Crew } from "./crew-factory.js";
import { annotateWorkflowSpan, inStageSpan } from "./crew-spans.js";
import { settleDecidedCalls } from "./settle-decided-calls.js";
import { runStage } from "./stage-runner.js";

/**
 * Runs a workflow's stages in order over the AI SDK, starting from a checkpoint: the run
 * cursor in the snapshot says which stage and iteration, the history holds every persisted
 * message, and calls approved (or answered) since the pause are executed first, so a resume
 * continues exactly where the run stopped.
 */
export class CrewRuntime implements CrewRunner {
  constructor(private readonly dependencies: CrewDependencies & { config: RuntimeConfigLoader }) {}

  /** The crew a run of `workflow` would use for `message` (prompts interpolated). */
  async buildCrew({
    message,
    workflow,
    stageOutputs = {},
  }: {
    message: string;
    workflow?: string;
    stageOutputs?: Readonly<Record<string, string>>;
  }): Promise<Crew> {
    const config = await this.dependencies.config.get();
    return buildCrew({
      config,
      workflow: workflow ?? config.default_workflow,
      variables: { ...stageOutputs, message },
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
      input.emit({ type: "stage-start", stage: stage.name });
      const result = await inStageSpan(stage, async () => {
        if (index === cursor.stage_index) await settleDecidedCalls(state, this.dependencies);
        return runStage({
          state,
          stage,
          nextStage: crew.stages[index + 1]?.name ?? null,
          dependencies: this.dependencies,
        });
      });
      input.emit({ type: "stage-end", stage: stage.name });
      if (result.type === "paused") return { type: "paused", snapshot: state.snapshot };
    }
    return { type: "completed", snapshot: state.snapshot };
  }

  /** Rebuilt per stage: `{<stage>}` placeholders fill in as earlier stages finish. */
  private crewFor(state: CrewRunState, config: RuntimeConfig, workflow: string): Crew {
    const outputs = Object.fromEntries(
      Object.entries(state.snapshot.stages).map(([name, stage]) => [name, stage.output]),
    );
    return buildCrew({
      config,
      workflow,
      variables: { ...outputs, message: latestUserText(state.history) },
      defaultModelCode: this.dependencies.gateway.defaultModelCode,
    });
  }
}
