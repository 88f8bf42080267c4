import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import {
  TOOL_SIGNATURE_HEADER,
  verifyToolRequest,
} from "../../src/core/agent/infrastructure/tools/tool-request-signature.js";

export interface HttpToolRequest {
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
  signatureValid: boolean;
}

export interface HttpToolServer {
  url: string;
  requests: HttpToolRequest[];
  /** Requests to `path` (e.g. "/create_ticket"). */
  requestsTo(path: string): HttpToolRequest[];
  close(): Promise<void>;
}

/**
 * A tool service as a team would write one: it checks the HMAC signature (a forged or
 * unsigned call gets 401) and dedupes by `Idempotency-Key` (a repeated key gets the first
 * answer, not a second ticket). `/create_ticket` answers JSON, `/broken` answers 500,
 * `/slow` never answers, `/flaky…` answers 503 once per key, then JSON.
 */
export async function startHttpToolServer(secret: string): Promise<HttpToolServer> {
  const requests: HttpToolRequest[] = [];
  const answers = new Map<string, string>();
  let tickets = 0;
  const server = createServer((request, response) => {
    void (async () => {
      const text = await bodyText(request);
      const idempotencyKey = header(request, "idempotency-key");
      const signatureValid = verifyToolRequest({
        secret,
        body: text,
        header: header(request, TOOL_SIGNATURE_HEADER),
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      const path = request.url ?? "/";
      requests.push({ path, body: JSON.parse(text || "{}"), idempotencyKey, signatureValid });
      if (!signatureValid) {
        response.writeHead(401).end('{"error":"bad signature"}');
        return;
      }
      const seen = idempotencyKey ? answers.get(`${path} ${idempotencyKey}`) : undefined;
      if (path === "/slow") return; // never answers
      if (path === "/broken") {
        response.writeHead(500).end("database unavailable");
        return;
      }
      if (path.startsWith("/flaky") && !seen && idempotencyKey) {
        answers.set(`${path} ${idempotencyKey}`, JSON.stringify({ ok: true, attempt: 2 }));
        response.writeHead(503).end("try again");
        return;
      }
      const answer =
        seen ?? JSON.stringify({ ticket_id: `T-${++tickets}`, title: JSON.parse(text).title });
      if (idempotencyKey) answers.set(`${path} ${idempotencyKey}`, answer);
      response.writeHead(200, { "content-type": "application/json" }).end(answer);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function bodyText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
