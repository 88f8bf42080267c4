import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { HttpAgent } from "@ag-ui/client";
import { CopilotRuntime } from "@copilotkit/runtime/v2";
import { createCopilotNodeListener } from "@copilotkit/runtime/v2/node";

const PAGES = fileURLToPath(new URL("../dist", import.meta.url));
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

export interface CopilotRuntimeServer {
  /** `http://127.0.0.1:<port>`: the test pages, and CopilotKit's runtime at /api/copilotkit. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * What a CopilotKit app's server is, per CopilotKit's docs: `CopilotRuntime` with an AG-UI
 * `HttpAgent` pointed at agent-runtime's `/api/v1/agent/runs`, mounted with
 * `createCopilotNodeListener`. It also serves the built test pages, so the page and the
 * runtime share an origin (as in a Next.js app).
 */
export async function startCopilotRuntimeServer({
  apiBaseUrl,
  token,
  port = 0,
}: {
  apiBaseUrl: string;
  token: string;
  /** 0: any free port. */
  port?: number;
}): Promise<CopilotRuntimeServer> {
  process.env.COPILOTKIT_TELEMETRY_DISABLED = "true";
  const runtime = new CopilotRuntime({
    agents: {
      default: new HttpAgent({
        url: `${apiBaseUrl}/api/v1/agent/runs`,
        headers: { Authorization: `Bearer ${token}` },
      }),
    },
  });
  const copilot = createCopilotNodeListener({ runtime, basePath: "/api/copilotkit" });
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path.startsWith("/api/copilotkit")) {
      void copilot(request, response);
      return;
    }
    const file = normalize(join(PAGES, path === "/" ? "copilotkit.html" : path));
    if (!file.startsWith(PAGES)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
