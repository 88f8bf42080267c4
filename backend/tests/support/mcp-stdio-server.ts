import { appendFileSync } from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createTestMcpServer } from "./mcp-test-server.js";

// Run by the worker as an MCP stdio server (tools.yaml: command node, args --import tsx <this>).
const callLog = process.env.MCP_CALL_LOG;
if (!callLog) throw new Error("MCP_CALL_LOG is not set");
appendFileSync(callLog, `${JSON.stringify({ event: "started", pid: process.pid })}\n`);
await createTestMcpServer(callLog).connect(new StdioServerTransport());
