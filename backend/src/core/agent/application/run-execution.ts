import {
  AgentError,
  CancelledError,
  CheckpointRefusedError,
  isRunErrorCode,
  ToolCorrelationError,
  VersionConflictError,
} from "../domain/errors.js";
import { pickInputs } from "../domain/run-inputs.js";
import type { SessionStatus } from "../domain/run-status.js";
import {
  addUsage,
  continueRun,
  cursorIsRunning,
  type StateSnapshot,
  setRunStatus,
  startRun,
} from "../domain/state-snapshot.js";
import { applyResume, PendingToolStore } from "../domain/tool-correlation.js";
import { budgetWarningEvent } from "./budget-warning-event.js";
import { unreachableDependency } from "./dependency-outage.js";
import { LlmCallBuffer } from "./llm-call-buffer.js";
import { eventsLostInCrash } from "./lost-run-events.js";
import type { AgentCatalog } from "./ports/agent-catalog.js";
import type { CancelSignals } from "./ports/cancel-signals.js";
import type { ChatMessage } from "./ports/chat-message.js";
import type { Clock } from "./ports/clock.js";
import type { CrewRunner, CrewStep } from "./ports/crew-runner.js";
import type { IdGenerator } from "./ports/id-generator.js";
import type { LlmCallRecord } from "./ports/llm-call-record.js";
import type { Logger } from "./ports/logger.js";
import type { RunEventStream } from "./ports/run-event-stream.js";
import type { RunJob } from "./ports/run-job.js";
import type { RunMetrics } from "./ports/run-metrics.js";
import type {
  AuditRecord,
  Checkpoint,
  NewChatMessage,
  RunStore,
  RunView,
  SessionView,
} from "./ports/run-store.js";
import { RunEventPublisher } from "./run-event-publisher.js";
import {
  fullHistory,
  type RunEnding,
  runStatusOf,
  sessionStatusOf,
  terminalEvents,
} from "./run-outcome.js";
import { adoptClientState } from "./shared-state-start.js";
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
  /**
   * What the next write must include: the start of the run (the client's messages, the
   * decisions' audit rows) and deferrable crew steps, so a simple run is one transaction.
   */
  private pending: PendingWrite = emptyWrite();
  /** LLM calls taken from the buffer by a write that has not been stored (yet). */
  private unstoredCalls: LlmCallRecord[] = [];
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
    this.calls = new LlmCallBuffer(
      (record) => dependencies.metrics.llmCall(record),
      (warning) => {
        dependencies.metrics.budgetWarning(warning.scope);
        this.publisher.emit(budgetWarningEvent(warning));
      },
    );
  }

  async execute({
    shutdown,
    finalAttempt,
    attempt,
  }: {
    shutdown: AbortSignal;
    finalAttempt: boolean;
    /** 1 for the first pick-up of the job; more after a crash, a stall or a hand-back. */
    attempt: number;
  }): Promise<void> {
    const { cancels, events, logger } = this.dependencies;
    const watch = cancels.watch(this.run.id);
    const signal = AbortSignal.any([watch.signal, shutdown]);
    try {
      // A crashed attempt may have left messages, tool calls or a step open in the stream.
      // (run.attempts counts pick-ups in Postgres: a job the supervisor queued again is the
      // queue's first attempt but not the run's.)
      if (attempt > 1 || this.run.attempts > 1) {
        const stored = await events.readAll(this.run.id);
        await events.closeOpen(this.run.id, stored);
        // The lost attempt streamed state changes it may never have stored: resync the client.
        if (stored.some((event) => /"type":"STATE_(DELTA|SNAPSHOT)"/.test(event.data)))
          this.publisher.emit({ type: "state-snapshot", state: this.snapshot.agent_state });
        // ...and may have committed results and messages it never published: send them now,
        // since this attempt skips what is committed.
        const lost = eventsLostInCrash({
          stored,
          committed: await this.dependencies.store.runMessages({
            sessionId: this.session.id,
            runId: this.run.id,
          }),
          clientMessageIds: new Set(this.job.messages.map((message) => message.id)),
        });
        for (const event of lost) this.publisher.emit(event);
      }
      if (this.run.cancelRequested) {
        // The user's turn is kept even though no agent answered it.
        this.pending.messages.push(
          ...this.job.messages.filter((message) => message.role === "user"),
        );
        this.pending.messagesMayExist = true;
        throw new CancelledError({ message: "The run was cancelled before it started" });
      }
      await this.start();
      const history = await this.history();
      const result = await this.dependencies.crew.run({
        runId: this.run.id,
        sessionId: this.session.id,
        userId: this.run.userId,
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
      // Postgres or Redis away: never the run's fault; the worker waits the outage out.
      if (!ending && (!finalAttempt || unreachableDependency(error))) throw error;
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
    const { clock, catalog } = this.dependencies;
    const now = clock();
    let snapshot = this.snapshot;
    let audit: AuditRecord[] = [];
    // The snapshot's cursor names runs as the client does (it is shown to the client).
    if (!cursorIsRunning(snapshot, this.run.clientRunId)) {
      try {
        if (this.run.kind === "run") {
          const [firstStage] = await catalog.workflowStages(this.session.workflow);
          const declared = (await catalog.workflowInputs())[this.session.workflow] ?? [];
          snapshot = startRun(snapshot, {
            runId: this.run.clientRunId,
            workflow: this.session.workflow,
            stage: firstStage ?? "respond",
            clientTools: this.job.clientTools,
            // Extra inputs are ignored: only what the workflow's placeholders use is kept.
            inputs: pickInputs(
              this.job.inputs ?? {},
              declared.map((input) => input.name),
            ),
            ...(this.job.context ? { context: this.job.context } : {}),
            now,
          });
        } else {
          const outcome = applyResume({
            snapshot,
            decisions: this.job.decisions,
            by: this.run.userId,
            now,
          });
          snapshot = continueRun(outcome.snapshot, {
            runId: this.run.clientRunId,
            now,
            ...(this.job.context ? { context: this.job.context } : {}),
          });
          audit = outcome.changed.map((call) => ({
            actor: this.run.userId,
            action: decisionAuditAction(call),
            sessionId: this.session.id,
            runId: this.run.id,
            toolCallId: call.tool_call_id,
            payload: {
              tool_name: call.tool_name,
              ...(call.interrupt
                ? {
                    interrupt_id: call.interrupt_id,
                    interrupt_reason: call.interrupt.reason,
                    ...(call.result ? { response: call.result.content } : {}),
                  }
                : {}),
              ...(call.edited_args ? { edited_args: call.edited_args } : {}),
              ...(call.reason ? { reason: call.reason } : {}),
            },
            occurredAt: now,
          }));
        }
        const adopted = adoptClientState({ snapshot, clientState: this.job.state });
        snapshot = adopted.snapshot;
        for (const event of adopted.announce) this.publisher.emit(event);
      } catch (error) {
        if (error instanceof ToolCorrelationError) this.noteCorrelationError(error, now);
        throw error;
      }
    }
    // Client tool results belong to the stage that asked for them.
    const stage = snapshot.run?.stage;
    this.pending.messages.push(
      ...this.job.messages.map((message) =>
        message.role === "tool" && stage ? { ...message, stage } : message,
      ),
    );
    this.pending.messagesMayExist = this.job.messages.length > 0;
    this.pending.audit.push(...audit);
    this.pending.sessionStatus = "running";
    this.snapshot = snapshot;
    this.started = true;
  }

  /** The conversation so far: what is stored plus this run's new client messages. */
  private async history(): Promise<ChatMessage[]> {
    if (this.session.messageCount === 0) return [...this.job.messages];
    const stored = await this.dependencies.store.history({
      sessionId: this.session.id,
      limit: this.dependencies.settings.historyLimit,
    });
    const known = new Set(stored.map((message) => message.id));
    return [...stored, ...this.job.messages.filter((message) => !known.has(message.id))];
  }

  /** Audits a refused resume; expired calls become EXPIRED and get their refusal message. */
  private noteCorrelationError(error: ToolCorrelationError, now: Date): void {
    this.pending.audit.push({
      actor: this.run.userId,
      action: "tool_call.correlation_error",
      sessionId: this.session.id,
      runId: this.run.id,
      errorCode: error.code,
      payload: { tool_call_ids: error.toolCallIds, message: error.message },
      occurredAt: now,
    });
    if (error.code !== "INTERRUPT_EXPIRED") return;
    const store = PendingToolStore.fromSnapshot(this.snapshot);
    for (const call of store.expire(now)) {
      this.pending.audit.push({
        actor: "system",
        action: "tool_call.expired",
        sessionId: this.session.id,
        runId: this.run.id,
        toolCallId: call.tool_call_id,
        payload: { tool_name: call.tool_name, expires_at: call.expires_at },
        occurredAt: now,
      });
      const refusal = refusalResult(call);
      this.pending.messages.push({
        id: this.dependencies.ids(),
        role: "tool",
        toolCallId: call.tool_call_id,
        content: refusal.content,
        stage: call.stage,
      });
    }
    this.snapshot = store.toSnapshot(this.snapshot);
  }

  /** A crew step: written now, or held and merged into the next write when deferrable. */
  private async checkpoint(step: CrewStep): Promise<StateSnapshot> {
    this.pending.messages.push(...step.messages);
    this.pending.audit.push(...(step.audit ?? []));
    this.snapshot = step.snapshot;
    if (!step.deferrable) await this.write({});
    return this.snapshot;
  }

  /** One transaction with everything pending, the LLM calls recorded so far and `extra`. */
  private async write(extra: Partial<Checkpoint>, { flushEvents = true } = {}): Promise<void> {
    const { calls, totals } = this.calls.drain();
    if (calls.length > 0) this.snapshot = addUsage(this.snapshot, totals);
    const pending = this.pending;
    this.pending = emptyWrite();
    // Kept until stored: a refused write's calls are still metered by the terminal write.
    this.unstoredCalls.push(...calls);
    const [version] = await Promise.all([
      this.dependencies.store.checkpoint({
        sessionId: this.session.id,
        runId: this.run.id,
        expectedVersion: this.version,
        snapshot: this.snapshot,
        messages: pending.messages,
        messagesMayExist: pending.messagesMayExist,
        llmCalls: calls,
        audit: pending.audit,
        ...(pending.sessionStatus ? { sessionStatus: pending.sessionStatus } : {}),
        now: this.dependencies.clock(),
        ...extra,
      }),
      flushEvents ? this.publisher.flush() : undefined,
    ]);
    this.unstoredCalls = [];
    this.version = version;
  }

  /**
   * Stores the ending (releasing the session), then publishes the terminal events. When
   * Postgres refuses the ending's write for what it holds, the run ends through the write
   * that cannot fail for that reason (`RunStore.endRun`), with `CHECKPOINT_REFUSED`.
   */
  private async end(intended: RunEnding): Promise<void> {
    const { store, settings } = this.dependencies;
    let ending = intended;
    this.publisher.closeOpen();
    let status = runStatusOf(ending);
    if (this.started && cursorIsRunning(this.snapshot, this.run.clientRunId)) {
      this.snapshot = setRunStatus(this.snapshot, status);
    }
    try {
      // A refused step is not written again: the snapshot in memory holds it.
      if (ending.type === "failed" && ending.code === "CHECKPOINT_REFUSED") {
        throw new CheckpointRefusedError({ message: ending.message });
      }
      await this.write(
        {
          sessionStatus: sessionStatusOf(ending, this.snapshot),
          activeRunId: null,
          runStatus: status,
          ...(ending.type === "failed"
            ? { runError: { code: ending.code, message: ending.message } }
            : {}),
          ...(ending.type === "cancelled"
            ? { runError: { code: "CANCELLED", message: "The run was cancelled" } }
            : {}),
        },
        { flushEvents: false },
      );
    } catch (error) {
      if (!CheckpointRefusedError.isInstance(error)) throw error;
      ending = { type: "failed", code: error.code, message: error.message };
      status = "failed";
      this.dependencies.logger.error(
        { runId: this.run.id, err: error },
        "Postgres refused the run's progress; ending it with what was stored before",
      );
      this.unstoredCalls.push(...this.calls.drain().calls);
      await store.endRun({
        sessionId: this.session.id,
        runId: this.run.id,
        sessionStatus: "failed",
        error: { code: error.code, message: error.message },
        llmCalls: this.unstoredCalls,
        now: this.dependencies.clock(),
      });
      this.unstoredCalls = [];
    }
    const terminal = await terminalEvents({
      ending,
      threadId: this.session.threadId,
      runId: this.run.clientRunId,
      snapshot: this.snapshot,
      usage: this.calls.usage.toAgUiUsage(),
      messages: fullHistory(store, this.session.id),
      legacyInterruptEvent: settings.legacyInterruptEvent,
    });
    for (const event of terminal) this.publisher.emit(event);
    // The last events (the final step's and the terminal ones) and the log's expiry go out
    // together, after the ending is stored: the session is released before the client hears
    // the run is over.
    await this.publisher.flushFinal();
    this.dependencies.metrics.runEnded(status);
  }
}

interface PendingWrite {
  messages: NewChatMessage[];
  messagesMayExist: boolean;
  audit: AuditRecord[];
  sessionStatus?: SessionStatus;
}

function emptyWrite(): PendingWrite {
  return { messages: [], messagesMayExist: false, audit: [] };
}

/** `tool_call.approved|rejected|executed`; an answered question is `interrupt.answered`. */
function decisionAuditAction(call: { mode: string; status: string }): string {
  if (call.mode === "BACKEND_INPUT_INTERRUPT")
    return call.status === "EXECUTED"
      ? "interrupt.answered"
      : `interrupt.${call.status.toLowerCase()}`;
  return `tool_call.${call.status.toLowerCase()}`;
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
