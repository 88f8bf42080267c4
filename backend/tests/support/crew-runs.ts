import { asc, eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import { llmCalls, messages, runs, sessions } from "../../src/models/index.js";
import { uniqueId } from "./database.js";
import type { InProcessRuntime } from "./in-process-runtime.js";
import { authHeaders } from "./jwt.js";
import type {
  ScriptedOpenAiServer,
  ScriptedRequest,
  ScriptedResponse,
} from "./scripted-openai-server.js";

/** An AG-UI event as stored in a run's replay log. */
export type StoredAgUiEvent = { type: string } & Record<string, unknown>;

export type CrewStageName = "intent" | "respond";

/**
 * Routes the scripted server's requests by conversation and stage, so tests sharing one
 * server never take each other's answers: a request belongs to the script whose marker
 * appears in its messages (put the marker in the user's text), and to the `intent` stage
 * when its system prompt is the intent classifier's (else `respond`). A request no script
 * answers gets the server's 400 "no scripted response", which fails the run visibly.
 */
export class ScriptedConversations {
  private readonly scripts = new Map<string, Record<CrewStageName, ScriptedResponse[]>>();

  constructor(private readonly server: ScriptedOpenAiServer) {
    server.setHandler((request) => this.answer(request));
  }

  script(
    marker: string,
    responses: { intent?: ScriptedResponse[]; respond?: ScriptedResponse[] },
  ): void {
    const script = this.scripts.get(marker) ?? { intent: [], respond: [] };
    script.intent.push(...(responses.intent ?? []));
    script.respond.push(...(responses.respond ?? []));
    this.scripts.set(marker, script);
  }

  /** The requests of one conversation, in order, with the stage each was for. */
  requestsFor(marker: string): { stage: CrewStageName; body: Record<string, unknown> }[] {
    return this.server.requests
      .filter((request) => JSON.stringify(request.body.messages).includes(marker))
      .map((request) => ({ stage: stageOf(request), body: request.body }));
  }

  private answer(request: ScriptedRequest): ScriptedResponse | undefined {
    const text = JSON.stringify(request.body.messages);
    for (const [marker, script] of this.scripts) {
      if (text.includes(marker)) return script[stageOf(request)].shift();
    }
    return undefined;
  }
}

/** The stage a chat-completions request was made for, told by its system prompt. */
export function stageOf(request: { body: Record<string, unknown> }): CrewStageName {
  return systemPromptOf(request.body).startsWith("You are Intent classifier")
    ? "intent"
    : "respond";
}

export function systemPromptOf(body: Record<string, unknown>): string {
  const wire = (body.messages ?? []) as { role: string; content: unknown }[];
  const system = wire.find((message) => message.role === "system");
  return typeof system?.content === "string" ? system.content : "";
}

/** A chat-completions message as the provider adapter sent it. */
export interface WireMessage {
  role: string;
  content: unknown;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

/** The conversation a request sent, without its system prompt. */
export function wireMessages(body: Record<string, unknown> | undefined): WireMessage[] {
  const sent = (body?.messages ?? []) as WireMessage[];
  return sent.filter((message) => message.role !== "system");
}

/** The function names a request offered the model, in order. */
export function offeredFunctionNames(body: Record<string, unknown> | undefined): string[] {
  const tools = (body?.tools ?? []) as { function: { name: string } }[];
  return tools.map((tool) => tool.function.name);
}

export interface ClientTool {
  name: string;
  description: string;
  parameters?: Record<string, unknown>;
}

export const NAVIGATE_TOOL: ClientTool = {
  name: "ui.navigate_to",
  description: "Opens a page of the application",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

/** A `RunAgentInput` for a new thread whose first message is the user's `text`. */
export function firstTurn({
  text,
  tools = [],
  threadId = uniqueId("thread"),
  runId = uniqueId("run"),
}: {
  text: string;
  tools?: ClientTool[];
  threadId?: string;
  runId?: string;
}) {
  return {
    threadId,
    runId,
    messages: [{ id: uniqueId("user-message"), role: "user", content: text }],
    tools,
    context: [],
    forwardedProps: {},
  };
}

/** POST /api/v1/agent/runs; throws unless the run was accepted (202). */
export async function admitRun(
  runtime: InProcessRuntime,
  userId: string,
  body: Record<string, unknown>,
): Promise<void> {
  const response = await runtime.app.inject({
    method: "POST",
    url: "/api/v1/agent/runs",
    headers: await authHeaders(userId),
    payload: body,
  });
  if (response.statusCode !== 202) {
    throw new Error(`run not accepted: ${response.statusCode} ${response.body}`);
  }
}

/** Admits a run, then executes its queued job in-process. */
export async function admitAndExecute(
  runtime: InProcessRuntime,
  userId: string,
  body: { runId: string } & Record<string, unknown>,
): Promise<void> {
  await admitRun(runtime, userId, body);
  await runtime.executeJob(body.runId);
}

/** Every AG-UI event the run stored, parsed, in order. */
export async function runEvents(
  runtime: InProcessRuntime,
  runId: string,
): Promise<StoredAgUiEvent[]> {
  const stored = await runtime.root.events.readAll(runId);
  return stored.map((event) => JSON.parse(event.data) as StoredAgUiEvent);
}

export async function messageRows(database: DatabaseHandle, sessionId: string) {
  return database.db
    .select()
    .from(messages)
    .where(eq(messages.sessionId, sessionId))
    .orderBy(asc(messages.seq));
}

export async function llmCallRows(database: DatabaseHandle, runId: string) {
  return database.db
    .select()
    .from(llmCalls)
    .where(eq(llmCalls.runId, runId))
    .orderBy(asc(llmCalls.startedAt));
}

export async function runRow(database: DatabaseHandle, runId: string) {
  const [row] = await database.db.select().from(runs).where(eq(runs.id, runId));
  if (!row) throw new Error(`no run ${runId}`);
  return row;
}

export async function sessionRow(database: DatabaseHandle, sessionId: string) {
  const [row] = await database.db.select().from(sessions).where(eq(sessions.id, sessionId));
  if (!row) throw new Error(`no session ${sessionId}`);
  return row;
}
