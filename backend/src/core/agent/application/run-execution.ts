import {
  AgentError,
  CancelledError,
  isRunErrorCode,
  ToolCorrelationError,
  VersionConflictError,
} from "../domain/errors.js";
import { isTerminalRunStatus } from "../domain/run-status.js";
import {
  addUsage,
  continueRun,
  type StateSnapshot,
  setAgentState,
  setRunStatus,
  startRun,
} from "../domain/state-snapshot.js";
import { applyResume, PendingToolStore } from "../domain/tool-correlation.js";
import { LlmCallBuffer } from "./llm-call-buffer.js";
import type { AgentCatalog } from "./ports/agent-catalog.js";
import type { CancelSignals } from "./ports/cancel-signals.js";
import type { Clock } from "./ports/clock.js";
import type { CrewRunner, CrewStep } from "./ports/crew-runner.js";
import type { IdGenerator } from "./ports/id-generator.js";
import type { Logger } from "./ports/logger.js";
import type { RunEventStream } from "./ports/run-event-stream.js";
import type { RunJob } from "./ports/run-job.js";
import type { RunMetrics } from "./ports/run-metrics.js";
import type {
  AuditRecord,
  NewChatMessage,
  RunStore,
  RunView,
  SessionView,
} from "./ports/run-store.js";
import { RunEventPublisher } from "./run-event-publisher.js";
import { type RunEnding, runStatusOf, sessionStatusOf, terminalEvents } from "./run-outcome.js";
import { refusalResult } from "./tool-refusal.js";

export interface RunExecutorDependencies {
  store: RunStore;
  events: RunEventStream;
  crew: CrewRunner;
  catalog: AgentCatalog;
  cancels: CancelSignals;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  metrics: RunMetrics;
  settings: { historyLimit: number; legacyInterruptEvent: boolean };
}

/** Raised when a stopping worker gives a run back to the queue instead of finishing it. */
export class RunHandedBackError extends Error {
  readonly code = "RUN_HANDED_BACK";
  constructor(readonly runId: string) {
    super(`run ${runId} was handed back to the queue by a stopping worker`);
    this.name = "RunHandedBackError";
  }
}

/**
 * One worker attempt at one run: start (or continue) from the stored snapshot, let the crew
 * run with a checkpoint after every LLM step and tool result, then store the ending and
 * publish the terminal event, in that order (the session lock is released first).
 */
export class RunExecution {
  private snapshot: StateSnapshot;
  private version: number;
  private readonly publisher: RunEventPublisher;
  private readonly calls: LlmCallBuffer;
  private readonly audit: AuditRecord[] = [];
  /** Messages the ending writes (refusals for calls that expired during this attempt). */
  private readonly endingMessages: NewChatMessage[] = [];
  private started = false;

  constructor(
    private readonly dependencies: RunExecutorDependencies,
    private readonly run: RunView,
    private readonly session: SessionView,
    private readonly job: RunJob,
  ) {
    this.snapshot = session.snapshot;
    this.version = session.version;
    this.publisher = new RunEventPublisher(dependencies.events, run.id);
    this.calls = new LlmCallBuffer((record) => dependencies.metrics.llmCall(record));
  }

  async execute({
    shutdown,
    finalAttempt,
  }: {
    shutdown: AbortSignal;
    finalAttempt: boolean;
  }): Promise<void> {
    const { cancels, events, logger } = this.dependencies;
    const watch = cancels.watch(this.run.id);
    const signal = AbortSignal.any([watch.signal, shutdown]);
    try {
      // A crashed attempt may have left messages, tool calls or a step open in the stream.
      if (this.run.status === "running") await events.closeOpen(this.run.id);
      if (this.run.cancelRequested)
        throw new CancelledError({ message: "The run was cancelled before it started" });
      await this.start();
      const history = await this.dependencies.store.history({
        sessionId: this.session.id,
        limit: this.dependencies.settings.historyLimit,
      });
      const result = await this.dependencies.crew.run({
        runId: this.run.id,
        sessionId: this.session.id,
        snapshot: this.snapshot,
        history,
        signal,
        emit: this.publisher.emit,
        checkpoint: (step) => this.checkpoint(step),
        recorder: this.calls,
      });
      this.snapshot = result.snapshot;
      await this.end({ type: result.type });
    } catch (error) {
      if (shutdown.aborted && !watch.signal.aborted) throw new RunHandedBackError(this.run.id);
      if (VersionConflictError.isInstance(error)) {
        // Another attempt wrote the session meanwhile (a stalled job delivered twice); it owns the run.
        logger.warn({ runId: this.run.id }, "run superseded by another attempt");
        throw error;
      }
      const ending = endingFor(error);
      if (!ending && !finalAttempt) throw error;
      if (!ending)
        logger.error({ runId: this.run.id, err: error }, "run failed on its last attempt");
      await this.end(
        ending ?? { type: "failed", code: "INTERNAL", message: "The run failed unexpectedly" },
      );
    } finally {
      watch.stop();
    }
  }

  /** The start checkpoint: the user's turn (or the resume's decisions) and the new cursor. */
  private async start(): Promise<void> {
    const { clock, catalog, store } = this.dependencies;
    const now = clock();
    let snapshot = this.snapshot;
    let audit: AuditRecord[] = [];
    if (snapshot.run?.run_id !== this.run.id) {
      try {
        if (this.run.kind === "run") {
          const [firstStage] = await catalog.workflowStages(this.session.workflow);
          snapshot = startRun(snapshot, {
            runId: this.run.id,
            workflow: this.session.workflow,
            stage: firstStage ?? "respond",
            clientTools: this.job.clientTools,
            now,
          });
          if (this.job.state) snapshot = setAgentState(snapshot, this.job.state);
        } else {
          const outcome = applyResume({
            snapshot,
            decisions: this.job.decisions,
            by: this.run.userId,
            now,
          });
          snapshot = continueRun(outcome.snapshot, { runId: this.run.id, now });
          audit = outcome.changed.map((call) => ({
            actor: this.run.userId,
            action: `tool_call.${call.status.toLowerCase()}`,
            sessionId: this.session.id,
            runId: this.run.id,
            toolCallId: call.tool_call_id,
            payload: {
              tool_name: call.tool_name,
              ...(call.edited_args ? { edited_args: call.edited_args } : {}),
              ...(call.reason ? { reason: call.reason } : {}),
            },
            occurredAt: now,
          }));
        }
      } catch (error) {
        if (error instanceof ToolCorrelationError) this.noteCorrelationError(error, now);
        throw error;
      }
    }
    this.version = await store.checkpoint({
      sessionId: this.session.id,
      runId: this.run.id,
      expectedVersion: this.version,
      snapshot,
      sessionStatus: "running",
      messages: this.job.messages,
      messagesMayExist: true,
      audit,
      runStarted: true,
      now,
    });
    this.snapshot = snapshot;
    this.started = true;
  }

  /** Audits a refused resume; expired calls become EXPIRED and get their refusal message. */
  private noteCorrelationError(error: ToolCorrelationError, now: Date): void {
    const toolCallIds = (error.details?.tool_call_ids as string[] | undefined) ?? [];
    this.audit.push({
      actor: this.run.userId,
      action: "tool_call.correlation_error",
      sessionId: this.session.id,
      runId: this.run.id,
      errorCode: error.code,
      payload: { tool_call_ids: toolCallIds, message: error.message },
      occurredAt: now,
    });
    if (error.code !== "INTERRUPT_EXPIRED") return;
    const store = PendingToolStore.fromSnapshot(this.snapshot);
    for (const call of store.expire(now)) {
      this.audit.push({
        actor: "system",
        action: "tool_call.expired",
        sessionId: this.session.id,
        runId: this.run.id,
        toolCallId: call.tool_call_id,
        payload: { tool_name: call.tool_name, expires_at: call.expires_at },
        occurredAt: now,
      });
      const refusal = refusalResult(call);
      this.endingMessages.push({
        id: this.dependencies.ids(),
        role: "tool",
        toolCallId: call.tool_call_id,
        content: refusal.content,
        stage: call.stage,
      });
    }
    this.snapshot = store.toSnapshot(this.snapshot);
  }

  private async checkpoint(step: CrewStep): Promise<StateSnapshot> {
    const { calls, totals } = this.calls.drain();
    const snapshot = calls.length > 0 ? addUsage(step.snapshot, totals) : step.snapshot;
    const [version] = await Promise.all([
      this.dependencies.store.checkpoint({
        sessionId: this.session.id,
        runId: this.run.id,
        expectedVersion: this.version,
        snapshot,
        messages: step.messages,
        llmCalls: calls,
        now: this.dependencies.clock(),
      }),
      this.publisher.flush(),
    ]);
    this.version = version;
    return snapshot;
  }

  /** Stores the ending (releasing the session), then publishes the terminal events. */
  private async end(ending: RunEnding): Promise<void> {
    const { store, events, clock, settings } = this.dependencies;
    this.publisher.closeOpen();
    const { calls, totals } = this.calls.drain();
    let snapshot = this.snapshot;
    if (this.started && snapshot.run?.run_id === this.run.id) {
      snapshot = setRunStatus(
        calls.length > 0 ? addUsage(snapshot, totals) : snapshot,
        runStatusOf(ending),
      );
    }
    this.version = await store.checkpoint({
      sessionId: this.session.id,
      runId: this.run.id,
      expectedVersion: this.version,
      snapshot,
      sessionStatus: sessionStatusOf(ending, snapshot),
      activeRunId: null,
      messages: this.endingMessages,
      llmCalls: calls,
      audit: this.audit,
      runStatus: runStatusOf(ending),
      ...(ending.type === "failed"
        ? { runError: { code: ending.code, message: ending.message } }
        : {}),
      ...(ending.type === "cancelled"
        ? { runError: { code: "CANCELLED", message: "The run was cancelled" } }
        : {}),
      now: clock(),
    });
    const terminal = await terminalEvents({
      ending,
      threadId: this.session.id,
      runId: this.run.id,
      snapshot,
      usage: this.calls.usage.toAgUiUsage(),
      messages: () => store.history({ sessionId: this.session.id, limit: Number.MAX_SAFE_INTEGER }),
      legacyInterruptEvent: settings.legacyInterruptEvent,
    });
    for (const event of terminal) this.publisher.emit(event);
    await this.publisher.flush();
    await events.expireAfterFinish(this.run.id);
    this.dependencies.metrics.runEnded(runStatusOf(ending));
  }
}

/** How a thrown error ends the run, or undefined when it is worth another attempt. */
function endingFor(error: unknown): RunEnding | undefined {
  if (!AgentError.isInstance(error)) return undefined;
  if (error.code === "CANCELLED") return { type: "cancelled" };
  if (!isRunErrorCode(error.code)) return undefined;
  return {
    type: "failed",
    code: error.code,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
  };
}

export { isTerminalRunStatus };
