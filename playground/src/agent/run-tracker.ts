import { type AgentSubscriber, type BaseEvent, EventType, type Message } from "@ag-ui/client";
import type { Reattachment } from "./playground-agent";
import { positionOf } from "./playground-agent";

/** What survives a page reload in the middle of a run. */
export interface SavedRun {
  threadId: string;
  runId: string;
  workflow: string;
  /** Messages as the page had applied them, up to and including `lastEventId`. */
  messages: Message[];
  lastEventId: string;
  openSteps: string[];
  openMessages: string[];
  openCalls: { toolCallId: string; toolCallName: string; parentMessageId?: string }[];
  steps: string[];
}

const KEY = "agent-runtime.playground.active-run";

export function loadSavedRun(): SavedRun | undefined {
  const raw = localStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as SavedRun;
  } catch {
    localStorage.removeItem(KEY);
    return undefined;
  }
}

export function clearSavedRun(): void {
  localStorage.removeItem(KEY);
}

/** The prelude that re-opens, for the client's verifier, what was open when the page went away. */
export function reattachmentOf(saved: SavedRun): Reattachment {
  const prelude: BaseEvent[] = [
    { type: EventType.RUN_STARTED, threadId: saved.threadId, runId: saved.runId } as BaseEvent,
    ...saved.openSteps.map((stepName) => ({ type: EventType.STEP_STARTED, stepName }) as BaseEvent),
    ...saved.openMessages.map(
      (messageId) =>
        ({ type: EventType.TEXT_MESSAGE_START, messageId, role: "assistant" }) as BaseEvent,
    ),
    ...saved.openCalls.map((call) => ({ type: EventType.TOOL_CALL_START, ...call }) as BaseEvent),
  ];
  return { runId: saved.runId, lastEventId: saved.lastEventId, prelude };
}

/**
 * A subscriber that keeps, in localStorage, what the page needs to reattach to the run it is
 * following: the last event applied (its SSE id), the messages after it, and what is open.
 * `onEvent` runs before an event is applied, so each event saves the state its predecessor
 * left, which is exactly "applied up to the previous id". Prelude events (no id) save nothing.
 */
export class RunTracker implements AgentSubscriber {
  private saved: SavedRun;
  private previousId: string | undefined;
  /** The run's stream answered (a refused request never does). */
  started = false;

  constructor(
    start: Pick<SavedRun, "threadId" | "runId" | "workflow">,
    private readonly onSteps: (steps: string[]) => void,
    resumeFrom?: SavedRun,
  ) {
    this.saved = resumeFrom ?? {
      ...start,
      messages: [],
      lastEventId: "",
      openSteps: [],
      openMessages: [],
      openCalls: [],
      steps: [],
    };
  }

  onEvent: AgentSubscriber["onEvent"] = ({ event, messages }) => {
    const id = positionOf(event);
    if (id === undefined) return;
    this.started = true;
    if (this.previousId !== undefined) {
      this.saved = { ...this.saved, messages: messages as Message[], lastEventId: this.previousId };
      localStorage.setItem(KEY, JSON.stringify(this.saved));
    }
    this.previousId = id;
    this.track(event);
    if (event.type === EventType.RUN_FINISHED || event.type === EventType.RUN_ERROR) {
      clearSavedRun();
    }
  };

  private track(event: BaseEvent): void {
    const saved = this.saved;
    const value = event as unknown as Record<string, string>;
    switch (event.type) {
      case EventType.STEP_STARTED:
        saved.openSteps = [...saved.openSteps, value.stepName as string];
        saved.steps = [...saved.steps, value.stepName as string];
        this.onSteps(saved.steps);
        break;
      case EventType.STEP_FINISHED:
        saved.openSteps = saved.openSteps.filter((name) => name !== value.stepName);
        break;
      case EventType.TEXT_MESSAGE_START:
        saved.openMessages = [...saved.openMessages, value.messageId as string];
        break;
      case EventType.TEXT_MESSAGE_END:
        saved.openMessages = saved.openMessages.filter((id) => id !== value.messageId);
        break;
      case EventType.TOOL_CALL_START:
        saved.openCalls = [
          ...saved.openCalls,
          {
            toolCallId: value.toolCallId as string,
            toolCallName: value.toolCallName as string,
            ...(value.parentMessageId ? { parentMessageId: value.parentMessageId } : {}),
          },
        ];
        break;
      case EventType.TOOL_CALL_END:
        saved.openCalls = saved.openCalls.filter((call) => call.toolCallId !== value.toolCallId);
        break;
    }
  }
}
