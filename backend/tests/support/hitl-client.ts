import {
  type BaseEvent,
  HttpAgent,
  type Message,
  type RunAgentParameters,
  runHttpRequest,
  transformHttpEventStream,
  verifyEvents,
} from "@ag-ui/client";
import type { ToolCallResultEvent } from "@ag-ui/core";
import type { StateSnapshotShape } from "../../src/core/agent/domain/state-snapshot-schema.js";
import { tokenFor } from "./jwt.js";

export const RUNS_PATH = "/api/v1/agent/runs";

/** What a refused HTTP request answered (HttpAgent's errors carry `status` and `payload`). */
export interface HttpRefusal {
  status: number;
  payload: { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
}

export interface JsonAnswer<T = unknown> {
  status: number;
  body: T;
}

/** The parts of GET /runs/{id} these tests read. */
export interface RunJson {
  run_id: string;
  session_id: string;
  kind: "run" | "resume";
  parent_run_id: string | null;
  status: string;
  error: { code: string; message: string } | null;
  attempts: number;
}

/** The parts of GET /sessions/{id} these tests read. */
export interface SessionJson {
  session_id: string;
  status: string;
  active_run_id: string | null;
  version: number;
  last_seq: number;
  message_count: number;
  state_snapshot: StateSnapshotShape;
}

/**
 * The client side of the human-in-the-loop end-to-end tests: the official `HttpAgent` for
 * AG-UI runs, the same client's SSE parser and `verifyEvents` for the other streaming routes,
 * and plain JSON calls for the rest of `/api/v1/agent`.
 */
export class HitlClient {
  constructor(readonly baseUrl: string) {}

  async agent({
    userId,
    threadId,
    messages = [],
  }: {
    userId: string;
    threadId: string;
    messages?: Message[];
  }): Promise<HttpAgent> {
    return new HttpAgent({
      url: `${this.baseUrl}${RUNS_PATH}`,
      headers: { authorization: `Bearer ${await tokenFor(userId)}` },
      threadId,
      initialMessages: messages,
    });
  }

  /** One `runAgent`, with every event the agent applied, in order. */
  async run(
    agent: HttpAgent,
    parameters: RunAgentParameters,
    onEvent?: (event: BaseEvent) => void,
  ): Promise<BaseEvent[]> {
    const events: BaseEvent[] = [];
    await agent.runAgent(parameters, {
      onEvent: ({ event }) => {
        events.push(event);
        onEvent?.(event);
      },
    });
    return events;
  }

  /** POSTs `body` asking for SSE; the events pass the official parser and `verifyEvents`. */
  async stream(path: string, userId: string, body: unknown): Promise<BaseEvent[]> {
    const authorization = `Bearer ${await tokenFor(userId)}`;
    return verifiedEvents(() =>
      fetch(`${this.baseUrl}${path}`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(body),
      }),
    );
  }

  /** Every stored event of a run (GET /runs/{id}/events from the start). */
  async storedEvents(runId: string, userId: string): Promise<BaseEvent[]> {
    const authorization = `Bearer ${await tokenFor(userId)}`;
    return verifiedEvents(() =>
      fetch(`${this.baseUrl}${RUNS_PATH}/${runId}/events`, {
        headers: { authorization, accept: "text/event-stream" },
      }),
    );
  }

  async json<T = HttpRefusal["payload"]>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    userId: string,
    body?: unknown,
  ): Promise<JsonAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await tokenFor(userId)}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** GET /sessions/{id}; fails unless it answers 200. */
  async session(sessionId: string, userId: string): Promise<SessionJson> {
    const answer = await this.json<SessionJson>(
      "GET",
      `/api/v1/agent/sessions/${sessionId}`,
      userId,
    );
    if (answer.status !== 200) throw new Error(`GET session ${sessionId}: ${answer.status}`);
    return answer.body;
  }

  /** GET /runs/{id}; fails unless it answers 200. */
  async runOf(runId: string, userId: string): Promise<RunJson> {
    const answer = await this.json<RunJson>("GET", `${RUNS_PATH}/${runId}`, userId);
    if (answer.status !== 200) throw new Error(`GET run ${runId}: ${answer.status}`);
    return answer.body;
  }

  /** Polls GET /runs/{id} until the run reaches one of `statuses`; returns its JSON. */
  async waitForRun(
    runId: string,
    userId: string,
    statuses: readonly string[] = ["succeeded", "failed", "cancelled", "interrupted"],
    timeoutMs = 20_000,
  ): Promise<RunJson> {
    const deadline = Date.now() + timeoutMs;
    let last: JsonAnswer<RunJson> | undefined;
    while (Date.now() < deadline) {
      last = await this.json<RunJson>("GET", `${RUNS_PATH}/${runId}`, userId);
      if (last.status === 200 && statuses.includes(last.body.status)) return last.body;
      await sleep(100);
    }
    throw new Error(`run ${runId} did not reach ${statuses.join("|")}: ${JSON.stringify(last)}`);
  }
}

/** An SSE answer read by the official client's parser and checked by its `verifyEvents`. */
function verifiedEvents(request: () => Promise<Response>): Promise<BaseEvent[]> {
  const source = transformHttpEventStream(runHttpRequest(request));
  return new Promise((resolve, reject) => {
    const events: BaseEvent[] = [];
    source.pipe(verifyEvents()).subscribe({
      next: (event) => void events.push(event),
      error: reject,
      complete: () => resolve(events),
    });
  });
}

/** Awaits a promise that must fail with an HTTP refusal (HttpAgent or the SSE client). */
export async function refusalOf(promise: Promise<unknown>): Promise<HttpRefusal> {
  try {
    await promise;
  } catch (error) {
    const refusal = error as Partial<HttpRefusal>;
    if (typeof refusal.status === "number") {
      return { status: refusal.status, payload: refusal.payload ?? {} };
    }
    throw error;
  }
  throw new Error("expected the request to be refused, but it succeeded");
}

/** A TOOL_CALL_RESULT's content as text: this backend always sends a JSON string. */
export function resultText(event: ToolCallResultEvent | undefined): string {
  const content = event?.content;
  if (typeof content !== "string") {
    throw new Error(`TOOL_CALL_RESULT content is not a string: ${JSON.stringify(content)}`);
  }
  return content;
}

/** The events of one type, typed as the caller says they are. */
export function eventsOf<T extends BaseEvent>(events: readonly BaseEvent[], type: string): T[] {
  return events.filter((event) => event.type === type) as T[];
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Resolves once `condition` holds; fails after `timeoutMs` with `what` in the message. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
