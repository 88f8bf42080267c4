import { describe, expect, it } from "vitest";
import type { ClientTool } from "../../../../../../src/core/agent/domain/state-snapshot.js";
import type {
  AgentConfig,
  ToolConfig,
} from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import { offeredFunctionTools } from "../../../../../../src/core/agent/infrastructure/crew/function-tools.js";

const TIME_PARAMETERS = {
  type: "object",
  properties: { timezone: { type: "string" } },
  additionalProperties: false,
};

const BACKEND_TOOLS: Record<string, ToolConfig> = {
  "srv.get_current_time": {
    name: "srv.get_current_time",
    description: "Current time",
    parameters: TIME_PARAMETERS,
    requires_approval: false,
    handler: "builtin.get_current_time",
    side_effects: false,
    idempotent: false,
  },
  "srv.transfer_funds": {
    name: "srv.transfer_funds",
    description: "Transfers money",
    parameters: { type: "object", properties: { amount: { type: "number" } } },
    requires_approval: true,
    approval_ttl_seconds: 60,
    handler: "builtin.transfer_funds",
    side_effects: true,
    idempotent: false,
  },
  "srv.not_for_this_agent": {
    name: "srv.not_for_this_agent",
    description: "Another agent's tool",
    parameters: { type: "object", properties: {} },
    requires_approval: false,
    handler: "builtin.get_current_time",
    side_effects: false,
    idempotent: false,
  },
};

function agentWithTools(tools: string[]): AgentConfig {
  return {
    agent_type: "responder",
    name: "responder",
    role: "Helpful assistant",
    goal: "Help.",
    backstory: "",
    llm: {},
    tools,
    max_iter: 10,
    allow_delegation: false,
    extra: {},
    source: { file: "agents.yaml", key: "responder" },
  };
}

const AGENT = agentWithTools(["srv.get_current_time", "srv.transfer_funds"]);
const CLIENT_TOOLS: ClientTool[] = [
  {
    name: "ui.navigate_to",
    description: "Opens a page",
    parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  },
  { name: "ui.refresh", description: "Reloads the page" },
];

function offered(input: {
  agent?: AgentConfig;
  clientTools?: ClientTool[];
  includeClientTools: boolean;
  historyToolNames?: string[];
  backendTools?: Record<string, ToolConfig>;
}) {
  return offeredFunctionTools({
    agent: input.agent ?? AGENT,
    backendTools: input.backendTools ?? BACKEND_TOOLS,
    clientTools: input.clientTools ?? [],
    includeClientTools: input.includeClientTools,
    historyToolNames: input.historyToolNames ?? [],
  });
}

describe("offeredFunctionTools", () => {
  it("offers a chat stage the agent's backend tools and the client's tools, under provider-safe names that map back", () => {
    const { tools, names } = offered({ clientTools: CLIENT_TOOLS, includeClientTools: true });

    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "srv_get_current_time",
      "srv_transfer_funds",
      "ui_navigate_to",
      "ui_refresh",
    ]);
    for (const tool of tools) {
      expect(tool.type).toBe("function");
      expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(names.toProvider(names.fromProvider(tool.name) as string)).toBe(tool.name);
    }
    expect(names.fromProvider("srv_transfer_funds")).toBe("srv.transfer_funds");
    expect(names.fromProvider("ui_navigate_to")).toBe("ui.navigate_to");
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get("srv_get_current_time")).toEqual({
      type: "function",
      name: "srv_get_current_time",
      description: "Current time",
      inputSchema: TIME_PARAMETERS,
    });
    expect(byName.get("ui_navigate_to")?.inputSchema).toEqual(CLIENT_TOOLS[0]?.parameters);
    // A client tool declared without parameters takes no arguments.
    expect(byName.get("ui_refresh")?.inputSchema).toEqual({ type: "object", properties: {} });
  });

  it("offers a context stage neither the client's tools nor approval-gated tools, which only a chat stage can pause for", () => {
    const { tools, names } = offered({ clientTools: CLIENT_TOOLS, includeClientTools: false });

    expect(tools.map((tool) => tool.name)).toEqual(["srv_get_current_time"]);
    expect(names.fromProvider("ui_navigate_to")).toBeUndefined();
  });

  it("offers only the tools the agent lists, and nothing for an agent without tools", () => {
    expect(offered({ includeClientTools: true }).tools.map((tool) => tool.name)).not.toContain(
      "srv_not_for_this_agent",
    );
    expect(offered({ agent: agentWithTools([]), includeClientTools: false }).tools).toEqual([]);
  });

  it("skips an agent tool that is neither configured nor declared by the client", () => {
    const { tools } = offered({
      agent: agentWithTools(["srv.get_current_time", "ui.undeclared"]),
      includeClientTools: true,
    });

    expect(tools.map((tool) => tool.name)).toEqual(["srv_get_current_time"]);
  });

  it("can name tools used earlier in the conversation without offering them again", () => {
    const { tools, names } = offered({
      includeClientTools: true,
      historyToolNames: ["ui.navigate_to", "srv.get_current_time"],
    });

    expect(tools.map((tool) => tool.name)).not.toContain("ui_navigate_to");
    expect(names.toProvider("ui.navigate_to")).toBe("ui_navigate_to");
    expect(names.fromProvider("ui_navigate_to")).toBe("ui.navigate_to");
  });

  it("keeps two tool names that sanitise alike apart", () => {
    const { tools, names } = offered({
      agent: agentWithTools([]),
      backendTools: {},
      clientTools: [
        { name: "ui.open", description: "a", parameters: { type: "object" } },
        { name: "ui_open", description: "b", parameters: { type: "object" } },
      ],
      includeClientTools: true,
    });

    expect(tools).toHaveLength(2);
    expect(new Set(tools.map((tool) => names.fromProvider(tool.name)))).toEqual(
      new Set(["ui.open", "ui_open"]),
    );
    const byName = new Map(tools.map((tool) => [tool.name, tool.description]));
    expect(byName.get(names.toProvider("ui.open"))).toBe("a");
    expect(byName.get(names.toProvider("ui_open"))).toBe("b");
  });
});
