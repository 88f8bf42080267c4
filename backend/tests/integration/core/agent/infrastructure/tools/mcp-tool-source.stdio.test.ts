import { describe, expect, it } from "vitest";
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
});
