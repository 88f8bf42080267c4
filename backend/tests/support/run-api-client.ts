import { uniqueId } from "./database.js";
import { authHeaders } from "./jwt.js";

/** A `RunAgentInput` body with one user message (fresh ids unless overridden). */
export function runInput({
  threadId = uniqueId("thread"),
  runId = uniqueId("run"),
  text,
}: {
  threadId?: string;
  runId?: string;
  text: string;
}) {
  return {
    threadId,
    runId,
    messages: [{ id: uniqueId("m"), role: "user", content: text }],
    tools: [],
    context: [],
    forwardedProps: {},
  };
}

/**
 * A plain HTTP client for one running api process, authenticated as `userId` (or sending the
 * given headers as they are).
 */
export class RunApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly headers: () => Promise<Record<string, string>>,
  ) {}

  static forUser(baseUrl: string, userId: string): RunApiClient {
    return new RunApiClient(baseUrl, () => authHeaders(userId));
  }

  url(path: string): string {
    return `${this.baseUrl}/api/v1/agent${path}`;
  }

  async request(
    path: string,
    init: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    return fetch(this.url(path), {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        ...(await this.headers()),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  }

  /** `POST /runs` answered as JSON. */
  async postRun(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await this.request("/runs", { body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  /** `GET path` and its JSON body. */
  async getJson(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await this.request(path);
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  /** `GET /runs/{id}/events`, optionally after an entry id (header or query). */
  async openEvents(
    runId: string,
    options: { lastEventId?: string; after?: string; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const query = options.after ? `?after=${encodeURIComponent(options.after)}` : "";
    return this.request(`/runs/${encodeURIComponent(runId)}/events${query}`, {
      headers: {
        accept: "text/event-stream",
        ...(options.lastEventId ? { "last-event-id": options.lastEventId } : {}),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Polls `GET /runs/{id}` until its status is one of `statuses`; fails after `timeoutMs`. */
  async waitForRun(
    runId: string,
    statuses: readonly string[] = ["succeeded", "failed", "cancelled", "interrupted"],
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      const { status, json } = await this.getJson(`/runs/${encodeURIComponent(runId)}`);
      last = json;
      if (status === 200 && statuses.includes(String(json.status))) return json;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${runId} did not reach ${statuses.join("|")}: ${JSON.stringify(last)}`);
  }
}
