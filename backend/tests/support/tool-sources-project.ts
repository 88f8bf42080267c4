import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import { messageRows, runEvents, type StoredAgUiEvent, sessionRow } from "./crew-runs.js";
import { connectTestDatabase } from "./database.js";
import { InProcessRuntime } from "./in-process-runtime.js";
import { authHeaders } from "./jwt.js";
import type { McpCallLogEntry } from "./mcp-test-server.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "./scripted-openai-server.js";
import { ScriptedAgents } from "./scripted-project.js";
import { scriptedDeepseek } from "./test-settings.js";

/** The role of the one agent of a tool-sources project (scripts are keyed by it). */
export const TOOL_USER = "Tool user";

/** `node --import tsx <the test MCP server>`: the stdio command a tools.yaml can name. */
export const MCP_STDIO_SERVER_ARGS = [
  "--import",
  "tsx",
  fileURLToPath(new URL("./mcp-stdio-server.ts", import.meta.url)),
];

export interface ToolSourcesProject {
  server: ScriptedOpenAiServer;
  agents: ScriptedAgents;
  runtime: InProcessRuntime;
  database: DatabaseHandle;
  /** The config directory (tools.yaml and the agent's files). */
  directory: string;
  /** A file the test MCP server appends its calls to (MCP_CALL_LOG). */
  callLog: string;
}

/**
 * Registers the file's `beforeAll`/`afterAll`: a config directory with one agent (role
 * `Tool user`, `tools` as given) and one chat task, the tools.yaml `setup` writes (after the
 * servers it needs are up), a scripted model, and the in-process runtime loading it all.
 */
export function useToolSourcesProject(input: {
  agentTools: string[];
  /** Starts what the tools need; returns tools.yaml and extra settings. */
  setup: (context: { directory: string; callLog: string }) => Promise<{
    toolsYaml: string;
    environment?: Record<string, string>;
    files?: Record<string, string>;
  }>;
  teardown?: () => Promise<void>;
}): ToolSourcesProject {
  const project: Partial<ToolSourcesProject> = {};
  beforeAll(async () => {
    const directory = mkdtempSync(join(tmpdir(), "tool-sources-"));
    const callLog = join(directory, "mcp-calls.jsonl");
    writeFileSync(callLog, "");
    project.directory = directory;
    project.callLog = callLog;
    const { toolsYaml, environment = {}, files = {} } = await input.setup({ directory, callLog });
    writeFileSync(
      join(directory, "agents.yaml"),
      `tool_user:\n  role: ${TOOL_USER}\n  goal: Answer with the tools you have.\n  backstory: You use tools.\n  tools: ${JSON.stringify(input.agentTools)}\n`,
    );
    writeFileSync(
      join(directory, "tasks.yaml"),
      "answer:\n  description: Answer the user, who asked {message}\n  expected_output: A short answer.\n",
    );
    writeFileSync(join(directory, "tools.yaml"), toolsYaml);
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(directory, name), content);
    }
    project.server = await startScriptedOpenAiServer();
    project.agents = new ScriptedAgents(project.server);
    project.runtime = await InProcessRuntime.start({
      ...scriptedDeepseek(project.server.baseUrl),
      SOCIAL_RUNTIME__CONFIG_DIR: directory,
      ...environment,
    });
    project.database = connectTestDatabase(2);
  });
  afterAll(async () => {
    await project.runtime?.close();
    await project.server?.close();
    await project.database?.close();
    await input.teardown?.();
    if (project.directory) rmSync(project.directory, { recursive: true, force: true });
  });
  return project as ToolSourcesProject;
}

/** The test MCP server's log, parsed. */
export function mcpCalls(callLog: string): McpCallLogEntry[] {
  return readFileSync(callLog, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as McpCallLogEntry);
}

/** Polls until `check` returns a value (tool servers report asynchronously). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 15_000, what = "the condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run's TOOL_CALL_RESULT events. */
export async function toolResults(
  runtime: InProcessRuntime,
  runId: string,
): Promise<(StoredAgUiEvent & { toolCallId: string; content: string })[]> {
  return (await runEvents(runtime, runId)).filter(
    (event): event is StoredAgUiEvent & { toolCallId: string; content: string } =>
      event.type === "TOOL_CALL_RESULT",
  );
}

/** The stored tool message of `toolCallId` in the thread. */
export async function storedToolMessage(
  database: DatabaseHandle,
  threadId: string,
  toolCallId: string,
) {
  return (await messageRows(database, threadId)).find(
    (row) => row.role === "tool" && row.toolCallId === toolCallId,
  );
}

/** The interrupt id of the thread's pending approval of `toolCallId`. */
export async function pendingInterruptId(
  database: DatabaseHandle,
  threadId: string,
  toolCallId: string,
): Promise<string> {
  const session = await sessionRow(database, threadId);
  const pending = (
    session.stateSnapshot as {
      pending_tool_calls: { tool_call_id: string; interrupt_id?: string }[];
    }
  ).pending_tool_calls.find((call) => call.tool_call_id === toolCallId);
  if (!pending?.interrupt_id) throw new Error(`no pending approval of ${toolCallId}`);
  return pending.interrupt_id;
}

/** POST /runs/{runId}/cancel as `userId`. */
export async function cancelRun(
  runtime: InProcessRuntime,
  userId: string,
  runId: string,
): Promise<number> {
  const response = await runtime.app.inject({
    method: "POST",
    url: `/api/v1/agent/runs/${runId}/cancel`,
    headers: await authHeaders(userId),
  });
  return response.statusCode;
}
