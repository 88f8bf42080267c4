import { describe, expect, it } from "vitest";
import { firstTurn } from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { authHeaders } from "../../../../../support/jwt.js";
import {
  mcpReconnectScenario,
  mcpSourceScenarios,
} from "../../../../../support/mcp-source-scenarios.js";
import {
  eventually,
  MCP_STDIO_SERVER_ARGS,
  mcpCalls,
  useToolSourcesProject,
} from "../../../../../support/tool-sources-project.js";

// The worker starts the test MCP server itself, as a child process speaking MCP over stdio.
const project = useToolSourcesProject({
  agentTools: ["mcp:orders/*"],
  setup: async ({ callLog }) => ({
    toolsYaml: `
sources:
  orders:
    kind: mcp
    command: ${JSON.stringify(process.execPath)}
    args: ${JSON.stringify(MCP_STDIO_SERVER_ARGS)}
    env: { MCP_CALL_LOG: ${JSON.stringify(callLog)} }
    tools:
      ship_order: { requires_approval: true }
`,
  }),
});

/** The pid of the server process the worker runs now (the last one that started). */
function serverPid(): number {
  const started = mcpCalls(project.callLog).filter((entry) => entry.event === "started");
  const pid = started.at(-1)?.pid;
  if (!pid) throw new Error("the MCP server never started");
  return pid;
}

describe("an MCP server over stdio (tools.yaml source kind mcp, command)", () => {
  mcpSourceScenarios(project, {
    kill: async () => {
      process.kill(serverPid(), "SIGKILL");
    },
  });

  it("starts the server again after it died", async () => {
    const dead = serverPid();
    const restarted = await eventually(() => (serverPid() !== dead ? serverPid() : undefined), {
      what: "a new server process",
    });
    expect(restarted).not.toBe(dead);
  });

  mcpReconnectScenario(project);

  it("refuses a client tool named under the server's prefix (a client never shadows a server tool)", async () => {
    const turn = firstTurn({
      text: "hello",
      tools: [
        { name: "orders.anything", description: "mine", parameters: { type: "object" } },
        { name: "Orders_lookup", description: "the provider's spelling", parameters: {} },
        { name: "ordersummary", description: "not under the prefix", parameters: {} },
      ],
    });
    const response = await project.runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders(uniqueId("user")),
      payload: turn,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: {
        code: "TOOL_NAME_CONFLICT",
        details: { tool_names: ["Orders_lookup", "orders.anything"] },
      },
    });
  });
});
