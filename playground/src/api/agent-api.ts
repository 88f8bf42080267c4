import type { Interrupt, Message } from "@ag-ui/client";
import { lastValueFrom, toArray } from "rxjs";
import { ApiError, sseEvents } from "../agent/sse-events";

export const API_BASE = "/api/v1/agent";

export interface Workflow {
  name: string;
  description?: string;
  stages: { name: string; agent: string; output: string }[];
}
export interface BackendTool {
  name: string;
  description: string;
  requires_approval: boolean;
  parameters: Record<string, unknown>;
}
export interface Catalog {
  default_workflow: string;
  workflows: Workflow[];
  tools: BackendTool[];
}
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
  cost_usd: string;
  llm_calls: number;
}
export interface SessionSummary {
  session_id: string;
  workflow: string;
  status: string;
  message_count: number;
  updated_at: string;
  usage: Usage;
}
export interface PendingCall {
  tool_call_id: string;
  tool_name: string;
  mode: string;
  status: string;
  interrupt_id?: string;
  expires_at?: string;
}
export interface Session extends SessionSummary {
  state_snapshot: { pending_tool_calls: PendingCall[] };
}
export interface RunInfo {
  run_id: string;
  status: string;
  kind: string;
  error: { code: string; message: string } | null;
  usage: Usage;
  created_at: string;
  finished_at: string | null;
}
export type StoredMessage = Message & { metadata?: { run_id?: string; seq?: number } };

/** The api's REST side, with the page's bearer token. */
export class AgentApi {
  constructor(private readonly token: string) {}

  headers(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${API_BASE}${path}`, {
      ...init,
      headers: { ...this.headers(), ...(init.headers as Record<string, string> | undefined) },
    });
    if (!response.ok) throw await ApiError.from(response);
    return (await response.json()) as T;
  }

  catalog(): Promise<Catalog> {
    return this.json("/agents");
  }

  async sessions(): Promise<SessionSummary[]> {
    return (await this.json<{ sessions: SessionSummary[] }>("/sessions?limit=50")).sessions;
  }

  session(id: string): Promise<Session> {
    return this.json(`/sessions/${encodeURIComponent(id)}`);
  }

  /** The whole stored history of a thread, page by page. */
  async messages(id: string): Promise<StoredMessage[]> {
    const all: StoredMessage[] = [];
    let after = 0;
    for (;;) {
      const page = await this.json<{ messages: StoredMessage[]; next_after_seq: number | null }>(
        `/sessions/${encodeURIComponent(id)}/messages?limit=500&after_seq=${after}`,
      );
      all.push(...page.messages);
      if (page.next_after_seq === null) return all;
      after = page.next_after_seq;
    }
  }

  run(runId: string): Promise<RunInfo> {
    return this.json(`/runs/${encodeURIComponent(runId)}`);
  }

  cancel(runId: string): Promise<unknown> {
    return this.json(`/runs/${encodeURIComponent(runId)}/cancel`, { method: "POST" });
  }

  /** The step names of a run, read back from its event stream while it is retained. */
  async steps(runId: string): Promise<string[]> {
    const response = await fetch(eventsUrl(runId), {
      headers: { ...this.headers(), Accept: "text/event-stream" },
    });
    if (!response.ok) throw await ApiError.from(response);
    const events = await lastValueFrom(sseEvents(response).pipe(toArray()));
    return events
      .filter(({ event }) => event.type === "STEP_STARTED")
      .map(({ event }) => (event as unknown as { stepName: string }).stepName);
  }
}

export function eventsUrl(runId: string): string {
  return `${API_BASE}/runs/${encodeURIComponent(runId)}/events`;
}

/** The open approval interrupts a stored thread waits on (what its last run ended with). */
export function interruptsOf(session: Session): Interrupt[] {
  return session.state_snapshot.pending_tool_calls
    .filter(
      (call) =>
        call.mode === "BACKEND_APPROVAL_INTERRUPT" &&
        call.status === "PENDING_APPROVAL" &&
        call.interrupt_id !== undefined,
    )
    .map((call) => ({
      id: call.interrupt_id as string,
      reason: "tool_call",
      toolCallId: call.tool_call_id,
      message: `Approve ${call.tool_name}?`,
      ...(call.expires_at ? { expiresAt: call.expires_at } : {}),
    }));
}
