import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CallToolResult,
  ErrorCode,
  McpError,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpSourceConfig, ToolConfig } from "../config/runtime-config.js";
import { mcpToolConfig } from "./mcp-tool-config.js";
import type { ToolCallContext, ToolLogger } from "./tool-handler.js";
import type { ToolSource } from "./tool-source.js";

const CLIENT_INFO = { name: "agent-runtime", version: "0.1.0" };
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
// The registry's signal bounds every call; the SDK's own request timeout must not come first.
const SDK_CALL_TIMEOUT_MS = 24 * 60 * 60 * 1000;
const STDERR_LINE_MAX = 500;
// What the SDK's Streamable HTTP transport reports when a response stream breaks off.
const STREAM_LOST = /^(SSE stream disconnected|Maximum reconnection attempts)/;

/**
 * One MCP server (stdio or Streamable HTTP) through the official SDK client. The connection is
 * opened at worker start and kept; when it closes, or a call fails for want of it, it is
 * reopened in the background with backoff (and on the next call). Tools are listed on every
 * (re)connection and when the server says its list changed. A call while the server is down
 * fails with a tool error naming the server, and the run goes on. Cancelling a call aborts it
 * with MCP's cancellation notification (the SDK sends it when the signal fires).
 */
export class McpToolSource implements ToolSource {
  readonly kind = "mcp" as const;
  readonly name: string;
  private client: Client | undefined;
  /** Fires when the current connection is lost, failing the calls in flight on it. */
  private lost = new AbortController();
  private connecting: Promise<Client> | undefined;
  private tools: ToolConfig[] = [];
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: McpSourceConfig,
    private readonly options: {
      /** Env variables and headers resolved from settings tools.secrets. */
      secretEnv: Readonly<Record<string, string>>;
      secretHeaders: Readonly<Record<string, string>>;
      connectTimeoutMs: number;
      logger: ToolLogger;
      /** The listed tools changed (connected, reconnected, list_changed). */
      onToolsChanged: () => void;
    },
  ) {
    this.name = config.name;
  }

  /** Connects and lists; a server that is down is logged and retried in the background. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.options.logger.warn("MCP server is not reachable; retrying in the background", {
        source: this.name,
        err: messageOf(error),
      });
      this.scheduleReconnect();
    }
  }

  /** Whether the server answered at least once since the worker started (its tools are known). */
  get listed(): boolean {
    return this.tools.length > 0 || this.client !== undefined;
  }

  has(): boolean {
    // The server decides which tool names exist; an unknown one is its error, not a config fault.
    return true;
  }

  listedTools(): readonly ToolConfig[] {
    return this.tools;
  }

  async call({
    handler,
    args,
    context,
  }: {
    handler: string;
    args: Record<string, unknown>;
    context: ToolCallContext;
  }): Promise<unknown> {
    let result: CallToolResult;
    try {
      result = await this.callOnce(handler, args, context.signal);
    } catch (error) {
      // The server forgot the session (it restarted): it never saw this call, so one more
      // try on a new session cannot run it twice.
      if (!sessionUnknown(error) || context.signal.aborted) throw error;
      result = await this.callOnce(handler, args, context.signal);
    }
    if (result.isError) {
      throw new Error(textOf(result) || `MCP tool ${handler} reported an error`);
    }
    return resultValue(result);
  }

  private async callOnce(
    handler: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    const client = await this.connectedClient();
    const lost = this.lost.signal;
    try {
      return (await client.callTool({ name: handler, arguments: args }, undefined, {
        // Cancelling sends MCP's notifications/cancelled for the request.
        signal: AbortSignal.any([signal, lost]),
        timeout: SDK_CALL_TIMEOUT_MS,
      })) as CallToolResult;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (sessionUnknown(error)) {
        this.drop(client, error);
        throw error;
      }
      if (lost.aborted) {
        throw new Error(
          `MCP server "${this.name}" lost the connection during ${handler}: ${messageOf(lost.reason)}`,
        );
      }
      if (connectionLost(error)) this.drop(client, error);
      throw new Error(`MCP server "${this.name}" could not run ${handler}: ${messageOf(error)}`);
    }
  }

  async refresh(): Promise<void> {
    if (this.client) await this.list(this.client);
    else await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => {});
  }

  private async connectedClient(): Promise<Client> {
    if (this.client) return this.client;
    try {
      return await this.connect();
    } catch (error) {
      this.scheduleReconnect();
      throw new Error(`MCP server "${this.name}" is not reachable: ${messageOf(error)}`);
    }
  }

  private connect(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error("the worker is shutting down"));
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const client = new Client(CLIENT_INFO, {
      capabilities: {},
      listChanged: {
        tools: {
          autoRefresh: false,
          onChanged: () => {
            this.list(client).catch((error: unknown) =>
              this.options.logger.warn("MCP tools/list failed after list_changed", {
                source: this.name,
                err: messageOf(error),
              }),
            );
          },
        },
      },
    });
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.loseConnection(new Error("the connection closed"));
      this.options.logger.warn("MCP server connection closed; reconnecting", {
        source: this.name,
      });
      this.scheduleReconnect();
    };
    client.onerror = (error) => {
      this.options.logger.warn("MCP transport error", { source: this.name, err: error.message });
      // A Streamable HTTP stream cut short: the server went away with the calls it was running.
      if (this.client === client && STREAM_LOST.test(error.message)) this.drop(client, error);
    };
    try {
      await client.connect(this.transport(), { timeout: this.options.connectTimeoutMs });
      await this.list(client);
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.close().catch(() => {});
      throw new Error("the worker is shutting down");
    }
    this.client = client;
    this.lost = new AbortController();
    this.attempts = 0;
    this.options.logger.info("MCP server connected", {
      source: this.name,
      tools: this.tools.map((tool) => tool.name),
    });
    return client;
  }

  private async list(client: Client): Promise<void> {
    const listed: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, {
        timeout: this.options.connectTimeoutMs,
      });
      listed.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    const { tools, skipped } = mcpToolConfigs(this.config, listed);
    for (const problem of skipped) {
      this.options.logger.warn("MCP tool skipped", { source: this.name, problem });
    }
    this.tools = tools;
    this.options.onToolsChanged();
  }

  private transport(): Transport {
    const { transport } = this.config;
    if (transport.type === "streamable_http") {
      return new StreamableHTTPClientTransport(new URL(transport.url), {
        requestInit: { headers: { ...this.options.secretHeaders } },
        // Reconnecting is this source's job (with its own backoff), not the transport's.
        reconnectionOptions: {
          maxRetries: 0,
          initialReconnectionDelay: RECONNECT_MIN_MS,
          maxReconnectionDelay: RECONNECT_MAX_MS,
          reconnectionDelayGrowFactor: 2,
        },
      });
    }
    const stdio = new StdioClientTransport({
      command: transport.command,
      args: transport.args,
      // Only the SDK's safe defaults (PATH, HOME…): the worker's own secrets stay out.
      env: { ...getDefaultEnvironment(), ...transport.env, ...this.options.secretEnv },
      ...(transport.cwd ? { cwd: transport.cwd } : {}),
      stderr: "pipe",
    });
    stdio.stderr?.on("data", (chunk: Buffer) => {
      const line = chunk.toString("utf8").trim().slice(0, STDERR_LINE_MAX);
      if (line) this.options.logger.info("MCP server stderr", { source: this.name, line });
    });
    return stdio;
  }

  private loseConnection(reason: Error): void {
    this.lost.abort(reason);
  }

  private drop(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.loseConnection(error instanceof Error ? error : new Error(String(error)));
    this.options.logger.warn("MCP server connection lost; reconnecting", {
      source: this.name,
      err: messageOf(error),
    });
    client.close().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempts);
    this.attempts++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.client || this.closed) return;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
    this.retryTimer.unref();
  }
}

/** The listed tools, filtered and named as tools.yaml says, with what was skipped and why. */
function mcpToolConfigs(
  source: McpSourceConfig,
  listed: readonly Tool[],
): { tools: ToolConfig[]; skipped: string[] } {
  const tools: ToolConfig[] = [];
  const skipped: string[] = [];
  for (const tool of listed) {
    if (source.include && !source.include.includes(tool.name)) continue;
    if (source.exclude.includes(tool.name)) continue;
    const config = mcpToolConfig(source, tool);
    if ("problem" in config) skipped.push(config.problem);
    else tools.push(config);
  }
  const names = new Set(listed.map((tool) => tool.name));
  for (const name of [...(source.include ?? []), ...Object.keys(source.tools)]) {
    if (!names.has(name))
      skipped.push(`tools.yaml names "${name}", which the server does not list`);
  }
  return { tools, skipped };
}

function sessionUnknown(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

function connectionLost(error: unknown): boolean {
  // An MCP error other than a lost connection is the server's answer; the connection is fine.
  return !(error instanceof McpError) || error.code === ErrorCode.ConnectionClosed;
}

function textOf(result: CallToolResult): string {
  return result.content
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("\n")
    .trim();
}

/** The model's view of a result: the structured content, else the text, else the parts. */
function resultValue(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  if (result.content.every((part) => part.type === "text")) return textOf(result);
  return result.content.map((part) => {
    if (part.type === "text") return { type: "text", text: part.text };
    if (part.type === "resource_link") return { type: "resource_link", uri: part.uri };
    if (part.type === "resource") return { type: "resource", uri: part.resource.uri };
    return { type: part.type, mimeType: part.mimeType, note: "binary content not shown" };
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
