import {
  type BaseEvent,
  EventType,
  enforceOutgoingInput,
  HttpAgent,
  type HttpAgentConfig,
  type RunAgentInput,
} from "@ag-ui/client";
import { concat, from, map, type Observable, switchMap } from "rxjs";
import { ApiError, type PositionedEvent, sseEvents } from "./sse-events";

/** What a page needs to reattach to a run after a reload (see `RunTracker`). */
export interface Reattachment {
  runId: string;
  /** The SSE id of the last event applied before the reload. */
  lastEventId: string;
  /** Events re-announcing what was open then, so the client's verifier accepts the tail. */
  prelude: BaseEvent[];
}

/**
 * `@ag-ui/client`'s `HttpAgent` for the playground: the same request, pipeline (verify,
 * apply, interrupts) and subscribers, with two additions:
 * - every event carries its SSE id in `rawEvent.id`, so the page knows where it is;
 * - `connectAgent()` reattaches to a run after a page reload: `GET /runs/{id}/events` with
 *   `Last-Event-ID`, after a prelude that re-opens the run, messages and calls that were open
 *   (the tail alone would start mid-run, which `verifyEvents` refuses).
 */
export class PlaygroundAgent extends HttpAgent {
  reattachment: Reattachment | undefined;

  constructor(
    config: HttpAgentConfig,
    private readonly eventsUrl: (runId: string) => string,
  ) {
    super(config);
  }

  override run(input: RunAgentInput): Observable<BaseEvent> {
    return from(this.fetch(this.url, this.requestInit(enforceOutgoingInput(input)))).pipe(
      switchMap((response) => this.positioned(response)),
    );
  }

  protected override connect(_input: RunAgentInput): Observable<BaseEvent> {
    const reattachment = this.reattachment;
    if (!reattachment) throw new Error("nothing to reattach to");
    const tail = from(
      this.fetch(this.eventsUrl(reattachment.runId), {
        method: "GET",
        headers: {
          ...this.headers,
          Accept: "text/event-stream",
          "Last-Event-ID": reattachment.lastEventId,
        },
        signal: this.abortController.signal,
      }),
    ).pipe(switchMap((response) => this.positioned(response)));
    return concat(from(reattachment.prelude), tail);
  }

  private positioned(response: Response): Observable<BaseEvent> {
    if (!response.ok) {
      return from(ApiError.from(response)).pipe(
        map((error) => {
          throw error;
        }),
      );
    }
    return sseEvents(response).pipe(map(withPosition));
  }
}

function withPosition({ event, id }: PositionedEvent): BaseEvent {
  return id === undefined ? event : { ...event, rawEvent: { id } };
}

/** The SSE id an event came with (set by `PlaygroundAgent`). */
export function positionOf(event: BaseEvent): string | undefined {
  const raw = event.rawEvent as { id?: unknown } | undefined;
  return typeof raw?.id === "string" ? raw.id : undefined;
}

export const OPENING_EVENTS = new Set<string>([
  EventType.RUN_STARTED,
  EventType.TEXT_MESSAGE_START,
  EventType.TOOL_CALL_START,
  EventType.STEP_STARTED,
]);
