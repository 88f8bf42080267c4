import { setTimeout as sleep } from "node:timers/promises";
import type { HttpSourceConfig, ToolConfig } from "../config/runtime-config.js";
import type { ToolCallContext } from "./tool-handler.js";
import { signToolRequest, TOOL_SIGNATURE_HEADER } from "./tool-request-signature.js";
import type { ToolSource } from "./tool-source.js";

const RETRY_BASE_MS = 200;
const ERROR_BODY_MAX = 300;

class HttpToolError extends Error {
  constructor(
    message: string,
    /** Worth another attempt (network failure, 408/429/5xx), for an idempotent tool. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "HttpToolError";
  }
}

/**
 * Tools served by an HTTP service: a call POSTs the arguments as JSON to `<url>/<name>` with
 * `Idempotency-Key: <runId>:<toolCallId>` and, when the source names a signing secret, an
 * HMAC-SHA256 signature of the timestamp and body (`X-Agent-Runtime-Signature`), so the
 * service can trust and dedupe the call. A 2xx answer's JSON (or text) is the result; any
 * other answer is a tool error. Only a tool declared idempotent is retried, after a network
 * failure or a 408/429/5xx, at most `retries` more times, within the call's timeout.
 */
export class HttpToolSource implements ToolSource {
  readonly kind = "http" as const;
  readonly name: string;

  constructor(
    private readonly config: HttpSourceConfig,
    private readonly signingSecret: string | undefined,
  ) {
    this.name = config.name;
  }

  has(): boolean {
    return true;
  }

  listedTools(): readonly ToolConfig[] {
    return [];
  }

  async call({
    handler,
    tool,
    args,
    context,
  }: {
    handler: string;
    tool: ToolConfig;
    args: Record<string, unknown>;
    context: ToolCallContext;
  }): Promise<unknown> {
    const attempts = tool.idempotent ? this.config.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.post(handler, tool, args, context);
      } catch (error) {
        if (context.signal.aborted) throw context.signal.reason;
        const transient = !(error instanceof HttpToolError) || error.transient;
        if (!transient || attempt >= attempts) throw asToolError(error, tool);
        context.logger.warn("HTTP tool call failed; retrying (the tool is idempotent)", {
          tool: tool.name,
          attempt,
          err: error instanceof Error ? error.message : String(error),
        });
        await sleep(RETRY_BASE_MS * 2 ** (attempt - 1), undefined, { signal: context.signal });
      }
    }
  }

  async close(): Promise<void> {}

  private async post(
    handler: string,
    tool: ToolConfig,
    args: Record<string, unknown>,
    context: ToolCallContext,
  ): Promise<unknown> {
    const body = JSON.stringify(args);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      "idempotency-key": context.idempotencyKey,
      "x-agent-runtime-tool": tool.name,
    };
    if (this.signingSecret) {
      headers[TOOL_SIGNATURE_HEADER] = signToolRequest({
        secret: this.signingSecret,
        body,
        timestamp: Math.floor(context.now.getTime() / 1000),
      });
    }
    const response = await fetch(`${this.config.url}/${encodeURIComponent(handler)}`, {
      method: "POST",
      headers,
      body,
      signal: context.signal,
      redirect: "error",
    });
    const text = await response.text();
    if (!response.ok) {
      throw new HttpToolError(
        `HTTP tool ${tool.name} answered ${response.status}${text ? `: ${text.slice(0, ERROR_BODY_MAX)}` : ""}`,
        response.status === 408 || response.status === 429 || response.status >= 500,
      );
    }
    if (!text) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
}

function asToolError(error: unknown, tool: ToolConfig): Error {
  if (error instanceof HttpToolError) return error;
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`HTTP tool ${tool.name} could not be reached: ${reason}`);
}
