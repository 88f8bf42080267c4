import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { createTestMcpServer } from "./mcp-test-server.js";

export interface McpHttpServer {
  url: string;
  /** Authorization headers the server received, in order. */
  authorizations: (string | undefined)[];
  /** Stops listening and cuts every open connection (a crash, as the client sees it). */
  kill(): Promise<void>;
}

/**
 * The test MCP server over Streamable HTTP (stateful sessions), as the SDK documents it:
 * an initialize request opens a session with its own McpServer; later requests carry
 * `mcp-session-id`.
 */
export async function startMcpHttpServer(callLog: string, port = 0): Promise<McpHttpServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const authorizations: (string | undefined)[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      authorizations.push(request.headers.authorization);
      const sessionId = request.headers["mcp-session-id"];
      const body = request.method === "POST" ? await jsonBody(request) : undefined;
      let transport = typeof sessionId === "string" ? transports.get(sessionId) : undefined;
      if (!transport && request.method === "POST" && isInitializeRequest(body)) {
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            transports.set(id, created);
          },
        });
        await createTestMcpServer(callLog).connect(created);
        transport = created;
      }
      if (!transport) {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            jsonrpc: "2.0",
            error: { code: -32001, message: "Session not found" },
            id: null,
          }),
        );
        return;
      }
      await transport.handleRequest(request, response, body);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/mcp`,
    authorizations,
    async kill() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const transport of transports.values()) await transport.close().catch(() => {});
    },
  };
}

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as unknown) : undefined;
}
