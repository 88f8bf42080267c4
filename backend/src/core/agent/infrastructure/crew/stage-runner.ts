import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { ChatMessage, ChatToolCall } from "../../application/ports/chat-message.js";
import { AgentError, CancelledError } from "../../domain/errors.js";
import { createPendingToolCall } from "../../domain/pending-tool-call.js";
import type { PendingToolCall } from "../../domain/state-snapshot.js";
import { addPendingToolCalls, advanceIteration, finishStage } from "../../domain/state-snapshot.js";
import {
  describeToolArgumentIssues,
  refusedArgumentsResult,
  toolArgumentIssues,
} from "../../domain/tool-arguments.js";
import { classifyToolCall } from "../../domain/tool-policy.js";
import { recordingStateAccess } from "./agent-state-access.js";
import { callAguiFields } from "./call-agui-fields.js";
import { type CrewDependencies, type CrewRunState, checkpointStep } from "./crew-context.js";
import type { CrewStage } from "./crew-factory.js";
import { offeredFunctionTools } from "./function-tools.js";
import { pauseForReview } from "./human-review.js";
import { historyToolNames, toModelPrompt } from "./model-prompt.js";
import { type StepResult, type StepToolCall, streamModelStep } from "./model-step.js";
import { PredictiveStateStream } from "./predictive-state-stream.js";
import { ToolCallIdAllocator } from "./run-tool-call-ids.js";
import { settleDecidedCalls } from "./settle-decided-calls.js";
import { applyContextStateChange } from "./shared-state-change.js";
import { checkStructuredAnswer, emitWholeMessage, responseFormatOf } from "./structured-output.js";
import { stagePromptInputs, systemPrompt } from "./system-prompt.js";
import { inToolCallSpan } from "./tool-call-span.js";
import { toolExecutionAudit } from "./tool-execution-audit.js";
import { emitToolResult, type ToolMessage, toolMessage } from "./tool-message.js";

export type StageResult = { type: "finished" } | { type: "paused" };

/**
 * Runs one stage's agent loop from the cursor's iteration: LLM step → tool calls classified
 * by the tool policy → direct tools executed → pause if a frontend or approval call waits →
 * otherwise loop until the agent answers (or must, at `max_iter`). A `chat` stage persists
 * and streams every step; a `context` stage keeps its messages in memory and only stores
 * its output.
 */
export async function runStage({
  state,
  stage,
  nextStage,
  dependencies,
  revision = [],
}: {
  state: CrewRunState;
  stage: CrewStage;
  nextStage: string | null;
  dependencies: CrewDependencies;
  /** A reviewer asked for a revision: the earlier answer and the feedback (human_input). */
  revision?: ChatMessage[];
}): Promise<StageResult> {
  const chat = stage.output === "chat";
  // A structured answer is checked before anyone sees it, then sent whole.
  const structured = stage.task.output;
  let answers = 0;
  const scratch: ChatMessage[] = [...revision];
  const clientTools = state.snapshot.run?.client_tools ?? [];
  // The same model for every step of the stage, built on the first (after its abort check,
  // so a cancelled run never resolves the model code).
  let model: LanguageModelV3 | undefined;
  for (;;) {
    if (state.input.signal.aborted) throw cancelled(state);
    const iteration = state.snapshot.run?.iteration ?? 0;
    // The last iteration allowed: the step drops any tool call the model makes anyway.
    const forceAnswer = iteration + 1 >= stage.agent.maxIter;
    const conversation = [...state.history, ...scratch];
    const offered = offeredFunctionTools({
      agent: stage.agent.config,
      backendTools: state.config.tools,
      clientTools,
      includeClientTools: chat,
      historyToolNames: historyToolNames(conversation),
    });
    model ??= dependencies.gateway.model({
      modelCode: stage.agent.modelCode,
      context: {
        runId: state.input.runId,
        sessionId: state.input.sessionId,
        userId: state.input.userId,
        agentType: stage.agent.agentType,
        stage: stage.name,
      },
      recorder: state.input.recorder,
      ...(stage.agent.config.budget ? { agentBudget: stage.agent.config.budget } : {}),
    });
    const step = await streamModelStep({
      model,
      prompt: toModelPrompt({
        system: systemPrompt(stagePromptInputs(state, stage)),
        history: conversation,
        names: offered.names,
      }),
      toolCallIds: ToolCallIdAllocator.forConversation(conversation),
      ...(chat
        ? {
            predictive: new PredictiveStateStream({
              tools: state.config.tools,
              state: state.snapshot.agent_state,
              emit: state.input.emit,
            }),
          }
        : {}),
      tools: offered.tools,
      names: offered.names,
      forceAnswer,
      messageId: dependencies.ids(),
      visible: chat && !structured,
      emit: state.input.emit,
      signal: state.input.signal,
      callSettings: dependencies.callSettings,
      ...llmOptions(stage),
      ...responseFormatOf(stage),
    });
    if (step.aborted) {
      // What the user saw is kept (like "stop generating"); calls in flight are dropped.
      if (chat && step.text && CancelledError.isInstance(state.input.signal.reason)) {
        await checkpointStep(state, {
          snapshot: state.snapshot,
          messages: [{ id: step.messageId, role: "assistant", content: step.text }],
          stage: stage.name,
        });
      }
      throw cancelled(state);
    }
    const calls = step.toolCalls;
    if (calls.length === 0) {
      let output = step.text;
      if (structured) {
        const answer = checkStructuredAnswer({
          output: structured,
          task: stage.task.name,
          text: step.text,
          attempt: ++answers,
          validator: dependencies.validator,
          ids: dependencies.ids,
        });
        if (answer.type === "correct") {
          scratch.push(...answer.messages);
          continue;
        }
        output = answer.text;
        if (chat) emitWholeMessage(state.input.emit, step.messageId, output);
      }
      if (stage.task.humanInput) {
        return pauseForReview({
          state,
          stage,
          output,
          messages: chat ? [assistantMessage({ ...step, text: output }, [])] : [],
          dependencies,
        });
      }
      const snapshot = finishStage(state.snapshot, {
        stage: stage.name,
        output,
        now: dependencies.clock(),
        nextStage,
      });
      await checkpointStep(state, {
        snapshot,
        messages: chat ? [assistantMessage({ ...step, text: output }, [])] : [],
        stage: stage.name,
        // The last stage's finish is written with the run's ending, right after; an earlier
        // stage's is written now, so its LLM call is recorded before the next one starts.
        deferrable: nextStage === null,
      });
      return { type: "finished" };
    }
    if (!chat) {
      scratch.push(...(await runContextTools({ state, step, calls, dependencies })));
      state.snapshot = advanceIteration(state.snapshot);
      continue;
    }
    const { pending, refused } = classifyCalls({ state, stage, calls, dependencies });
    await checkpointStep(state, {
      snapshot: advanceIteration(addPendingToolCalls(state.snapshot, pending)),
      messages: [assistantMessage(step, calls), ...refused],
      stage: stage.name,
    });
    for (const message of refused) emitToolResult(state.input.emit, message);
    await settleDecidedCalls(state, dependencies);
    if (state.snapshot.pending_tool_calls.some((call) => call.status === "PENDING_APPROVAL")) {
      return { type: "paused" };
    }
  }
}

function llmOptions(stage: CrewStage): { temperature?: number; maxOutputTokens?: number } {
  const { llm } = stage.agent.config;
  return {
    ...(typeof llm.temperature === "number" ? { temperature: llm.temperature } : {}),
    ...(typeof llm.max_tokens === "number" ? { maxOutputTokens: llm.max_tokens } : {}),
  };
}

/** The abort reason when it is one of ours (a cancel), else a plain cancel. */
function cancelled(state: CrewRunState): Error {
  const reason: unknown = state.input.signal.reason;
  return AgentError.isInstance(reason)
    ? reason
    : new CancelledError({ message: "The run was stopped" });
}

function assistantMessage(step: StepResult, calls: readonly StepToolCall[]): ChatMessage {
  const toolCalls: ChatToolCall[] = calls.map((call) => ({
    id: call.toolCallId,
    type: "function",
    // What the model sent, even when it is not valid JSON: the history stays truthful.
    function: {
      name: call.toolName,
      arguments: call.invalid ? call.rawArguments : JSON.stringify(call.args),
    },
  }));
  return {
    id: step.messageId,
    role: "assistant",
    ...(step.text ? { content: step.text } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}

/**
 * Each call becomes a pending call (frontend, approval, or direct = auto-approved), or, for a
 * tool the model was not offered or arguments that are not a JSON object or do not fit the
 * tool's JSON schema (backend `parameters` or the client's declaration), an error result the
 * model sees on its next step, naming the problem. A refused call never runs and is never put
 * to a human.
 */
function classifyCalls({
  state,
  stage,
  calls,
  dependencies,
}: {
  state: CrewRunState;
  stage: CrewStage;
  calls: readonly StepToolCall[];
  dependencies: CrewDependencies;
}): { pending: PendingToolCall[]; refused: ToolMessage[] } {
  const pending: PendingToolCall[] = [];
  const refused: ToolMessage[] = [];
  const clientTools = state.snapshot.run?.client_tools ?? [];
  const now = dependencies.clock();
  const refuse = (call: StepToolCall, result: { content: string; error: string }) =>
    refused.push(toolMessage({ id: dependencies.ids(), toolCallId: call.toolCallId, ...result }));
  for (const call of calls) {
    if (call.invalid) {
      refuse(
        call,
        refusedArgumentsResult({
          toolName: call.toolName,
          problem: call.invalidReason ?? "the arguments must be a JSON object",
        }),
      );
      continue;
    }
    try {
      const classification = classifyToolCall({
        name: call.toolName,
        clientTools,
        backendTools: state.config.tools,
      });
      const schema =
        classification.mode === "FRONTEND_EXECUTE"
          ? clientTools.find((tool) => tool.name === call.toolName)?.parameters
          : state.config.tools[call.toolName]?.parameters;
      const issues = toolArgumentIssues({
        validator: dependencies.validator,
        schema,
        args: call.args,
      });
      if (issues.length > 0) {
        refuse(
          call,
          refusedArgumentsResult({
            toolName: call.toolName,
            problem: describeToolArgumentIssues(issues),
          }),
        );
        continue;
      }
      pending.push(
        createPendingToolCall({
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          args: call.args,
          mode: classification.mode,
          stage: stage.name,
          now,
          ...callAguiFields({
            toolCallId: call.toolCallId,
            classification,
            tool: state.config.tools[call.toolName],
            agentState: state.snapshot.agent_state,
            defaultTtlSeconds: dependencies.defaultApprovalTtlSeconds,
          }),
        }),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      refuse(call, {
        content: JSON.stringify({ error: `The call was refused: ${reason}` }),
        error: reason,
      });
    }
  }
  return { pending, refused };
}

/** A context stage runs direct backend tools inline; nothing is persisted but its output. */
async function runContextTools({
  state,
  step,
  calls,
  dependencies,
}: {
  state: CrewRunState;
  step: StepResult;
  calls: readonly StepToolCall[];
  dependencies: CrewDependencies;
}): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [assistantMessage(step, calls)];
  for (const call of calls) {
    const tool = state.config.tools[call.toolName];
    const recording = recordingStateAccess(state.snapshot.agent_state);
    const runnable = tool && !tool.requires_approval && !tool.interrupt;
    const execution =
      runnable && !call.invalid
        ? await inToolCallSpan({ toolName: tool.name, toolCallId: call.toolCallId }, () =>
            dependencies.tools.execute({
              tool,
              args: call.args,
              runId: state.input.runId,
              sessionId: state.input.sessionId,
              userId: state.input.userId,
              toolCallId: call.toolCallId,
              signal: state.input.signal,
              now: dependencies.clock(),
              state: recording.access,
            }),
          )
        : undefined;
    if (execution) {
      const audit = toolExecutionAudit({
        state,
        toolName: call.toolName,
        toolCallId: call.toolCallId,
        execution,
        now: dependencies.clock(),
      });
      state.audit = [...(state.audit ?? []), audit];
    }
    const result =
      execution ??
      (runnable
        ? refusedArgumentsResult({
            toolName: call.toolName,
            problem: call.invalidReason ?? "the arguments must be a JSON object",
          })
        : {
            content: JSON.stringify({ error: `Tool ${call.toolName} is not available here` }),
            error: "unavailable",
          });
    // A handler that failed changes nothing, whatever it queued before failing.
    const changed =
      result.error === undefined
        ? applyContextStateChange({ state, dependencies, operations: recording.operations() })
        : { ok: true as const };
    messages.push(
      toolMessage({
        id: dependencies.ids(),
        toolCallId: call.toolCallId,
        ...(changed.ok || result.error !== undefined
          ? { content: result.content, error: result.error }
          : { content: JSON.stringify({ error: changed.reason }), error: changed.reason }),
      }),
    );
  }
  return messages;
}
