import { describe, expect, it } from "vitest";
import { type McpHttpServer, startMcpHttpServer } from "../../../../../support/mcp-http-server.js";
import {
  mcpReconnectScenario,
  mcpSourceScenarios,
} from "../../../../../support/mcp-source-scenarios.js";
import { useToolSourcesProject } from "../../../../../support/tool-sources-project.js";

let server: McpHttpServer | undefined;

// The test MCP server listens over Streamable HTTP; its bearer token comes from settings.
const project = useToolSourcesProject({
  agentTools: ["mcp:orders/*"],
  setup: async ({ callLog }) => {
    server = await startMcpHttpServer(callLog);
    return {
      toolsYaml: `
sources:
  orders:
    kind: mcp
    url: ${server.url}
    header_secrets: { Authorization: orders_mcp_auth }
    tools:
      ship_order: { requires_approval: true }
`,
      environment: { SOCIAL_TOOLS__SECRETS__ORDERS_MCP_AUTH: "Bearer mcp-test-token" },
    };
  },
  teardown: async () => server?.kill(),
});

describe("an MCP server over Streamable HTTP (tools.yaml source kind mcp, url)", () => {
  it("sends the header from settings, never from the YAML", async () => {
    // The runtime connects when the worker starts its tool sources.
    await project.runtime.root.toolSources();
    expect(server?.authorizations.length).toBeGreaterThan(0);
    expect(new Set(server?.authorizations)).toEqual(new Set(["Bearer mcp-test-token"]));
  });

  mcpSourceScenarios(project, {
    kill: async () => {
      const port = Number(new URL(server?.url ?? "").port);
      await server?.kill();
      // The same address comes back, as a restarted service would.
      server = await startMcpHttpServer(project.callLog, port);
    },
  });

  mcpReconnectScenario(project);
});
