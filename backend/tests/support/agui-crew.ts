import { fileURLToPath } from "node:url";
import jsonPatch from "fast-json-patch";
import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import type { StoredAgUiEvent } from "./crew-runs.js";
import type { InProcessRuntime } from "./in-process-runtime.js";
import { authHeaders } from "./jwt.js";

/** The AG-UI test crew: one chat stage, the state tool, an ask-the-user and predictive tools. */
export const AGUI_CONFIG = fileURLToPath(new URL("../fixtures/crewai/agui", import.meta.url));

/** The system prompt a chat-completions request carried. */
export function systemPromptOfRequest(body: Record<string, unknown> | undefined): string {
  const wire = (body?.messages ?? []) as { role: string; content: unknown }[];
  const system = wire.find((message) => message.role === "system");
  return typeof system?.content === "string" ? system.content : "";
}

/** The shared state shown to the model, parsed back out of its system prompt. */
export function stateShownToModel(body: Record<string, unknown> | undefined): unknown {
  const lines = systemPromptOfRequest(body).split("\n");
  const index = lines.findIndex((line) => line.startsWith("Shared state (JSON"));
  return index < 0 ? undefined : JSON.parse(lines[index + 1] ?? "null");
}

/**
 * A client's copy of the state after a run's events, applied the way `@ag-ui/client` does:
 * STATE_SNAPSHOT replaces it, STATE_DELTA patches it (a patch that fails to apply throws).
 */
export function applyStateEvents(
  initial: Record<string, unknown>,
  events: readonly StoredAgUiEvent[],
): { state: Record<string, unknown>; seen: Record<string, unknown>[] } {
  let state = structuredClone(initial);
  const seen: Record<string, unknown>[] = [];
  for (const event of events) {
    if (event.type === "STATE_SNAPSHOT")
      state = structuredClone(event.snapshot) as Record<string, unknown>;
    else if (event.type === "STATE_DELTA")
      state = jsonPatch.applyPatch(
        state,
        event.delta as jsonPatch.Operation[],
        true,
        false,
      ).newDocument;
    else continue;
    seen.push(structuredClone(state));
  }
  return { state, seen };
}

/** POST /runs/{runId}/resume as JSON; the status and body. */
export async function postResume(
  runtime: InProcessRuntime,
  userId: string,
  parentRunId: string,
  body: Record<string, unknown>,
): Promise<{
  status: number;
  body: { error?: { code: string; message: string; details?: Record<string, unknown> } };
}> {
  const response = await runtime.app.inject({
    method: "POST",
    url: `/api/v1/agent/runs/${parentRunId}/resume`,
    headers: await authHeaders(userId),
    payload: body,
  });
  return { status: response.statusCode, body: response.json() };
}

/** POST /runs as JSON; the status and body (for refusals). */
export async function postRun(
  runtime: InProcessRuntime,
  userId: string,
  body: Record<string, unknown>,
): Promise<{
  status: number;
  body: { error?: { code: string; message: string; details?: Record<string, unknown> } };
}> {
  const response = await runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: await authHeaders(userId),
    payload: body,
  });
  return { status: response.statusCode, body: response.json() };
}

/** The audit rows of a session, in order. */
export async function auditRows(
  database: DatabaseHandle,
  sessionId: string,
): Promise<
  {
    action: string;
    tool_call_id: string | null;
    error_code: string | null;
    payload: Record<string, unknown> | null;
  }[]
> {
  const { rows } = await database.pool.query(
    "select action, tool_call_id, error_code, payload from audit_log where session_id = $1 order by id",
    [sessionId],
  );
  return rows;
}
