import { appendFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

/** What the test MCP server records, one JSON line per event, in `callLog`. */
export type McpCallLogEntry =
  | { event: "started"; pid: number }
  | { event: "call"; tool: string; args: Record<string, unknown>; pid: number }
  | { event: "aborted"; tool: string; pid: number };

/**
 * A small MCP server built with the SDK's own server classes: `lookup_order` (structured
 * result), `ship_order` (the test config gates it behind an approval), `wait_forever` (answers
 * only when cancelled, and logs that it was) and `fail` (an MCP tool error). Every call and
 * cancellation is appended to `callLog`, so a test in another process can count them.
 */
export function createTestMcpServer(callLog: string): McpServer {
  const log = (entry: McpCallLogEntry) => appendFileSync(callLog, `${JSON.stringify(entry)}\n`);
  const server = new McpServer({ name: "agent-runtime-test", version: "1.0.0" });
  server.registerTool(
    "lookup_order",
    {
      description: "Looks an order up by id.",
      inputSchema: { order_id: z.string().min(1) },
      annotations: { readOnlyHint: true },
    },
    async ({ order_id }) => {
      log({ event: "call", tool: "lookup_order", args: { order_id }, pid: process.pid });
      const order = { order_id, status: "shipped", items: 2 };
      return {
        content: [{ type: "text", text: JSON.stringify(order) }],
        structuredContent: order,
      };
    },
  );
  server.registerTool(
    "ship_order",
    {
      description: "Ships an order (a person approves it first).",
      inputSchema: { order_id: z.string().min(1) },
    },
    async ({ order_id }) => {
      log({ event: "call", tool: "ship_order", args: { order_id }, pid: process.pid });
      return { content: [{ type: "text", text: `shipped ${order_id}` }] };
    },
  );
  server.registerTool(
    "wait_forever",
    { description: "Never answers on its own.", inputSchema: {} },
    async (_args, extra) => {
      log({ event: "call", tool: "wait_forever", args: {}, pid: process.pid });
      await new Promise<void>((resolve) => {
        extra.signal.addEventListener("abort", () => {
          log({ event: "aborted", tool: "wait_forever", pid: process.pid });
          resolve();
        });
      });
      return { content: [{ type: "text", text: "aborted" }] };
    },
  );
  server.registerTool("fail", { description: "Always fails.", inputSchema: {} }, async () => ({
    content: [{ type: "text", text: "the order system is down" }],
    isError: true,
  }));
  return server;
}
