#!/usr/bin/env node
// The dojo talks to one URL per feature (`<base>/<feature>`, as AG-UI's reference servers
// serve them); agent-runtime has one route and picks the workflow from
// `forwardedProps.agent`. This proxy maps the first to the second, adding the bearer token.
//
//   AGENT_RUNTIME_URL=http://127.0.0.1:8000 AGENT_RUNTIME_TOKEN=… PORT=8790 node dojo/agui-proxy.mjs
import { createServer } from "node:http";

const target = new URL(
  "/api/v1/agent/runs",
  process.env.AGENT_RUNTIME_URL ?? "http://127.0.0.1:8000",
);
const token = process.env.AGENT_RUNTIME_TOKEN;
const port = Number(process.env.PORT ?? 8790);

createServer(async (request, response) => {
  const feature = (request.url ?? "/").split("?")[0].replace(/^\/+|\/+$/g, "");
  if (request.method !== "POST" || !/^[a-z_]+$/.test(feature)) {
    response.writeHead(request.method === "GET" ? 200 : 404).end("agent-runtime dojo proxy\n");
    return;
  }
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  input.forwardedProps = { ...(input.forwardedProps ?? {}), agent: feature };
  const upstream = await fetch(target, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: request.headers.accept ?? "text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(input),
  }).catch((error) => ({ error }));
  if ("error" in upstream) {
    response.writeHead(502, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { code: "PROXY", message: String(upstream.error) } }));
    return;
  }
  response.writeHead(upstream.status, {
    "content-type": upstream.headers.get("content-type") ?? "text/plain",
  });
  if (!upstream.body) return response.end();
  for await (const chunk of upstream.body) response.write(chunk);
  response.end();
}).listen(port, "127.0.0.1", () =>
  console.log(`dojo proxy on http://127.0.0.1:${port} → ${target}`),
);
