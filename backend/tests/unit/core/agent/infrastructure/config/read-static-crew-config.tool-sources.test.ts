import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStaticCrewConfig } from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { configErrorFrom, problemLocations, writeConfigDirectory } from "./config-test-support.js";

const TASKS = `
answer:
  description: Answer the user.
  expected_output: An answer.
  agent: helper
`;

function agentWithTools(tools: string[]): string {
  return `
helper:
  role: Helper
  goal: Help.
  backstory: You help.
  tools: ${JSON.stringify(tools)}
`;
}

const SOURCES = `
sources:
  github:
    kind: mcp
    command: node
    args: [server.mjs]
    env: { LOG_LEVEL: info }
    env_secrets: { GITHUB_TOKEN: github_token }
    cwd: servers
    exclude: [delete_repo]
    tools:
      create_issue: { requires_approval: true, idempotent: false, timeout_ms: 5000 }
  docs:
    kind: mcp
    url: https://mcp.example.com/mcp
    header_secrets: { Authorization: docs_auth }
    prefix: kb
    include: [search]
  crm:
    kind: http
    url: https://crm.example.com/tools/
    signing_secret: crm_signing
    timeout_ms: 8000
  local:
    kind: module
    path: tools/local.ts
crm.create_ticket:
  description: Opens a ticket.
  parameters: { type: object, properties: { title: { type: string } }, required: [title] }
  handler: crm.create_ticket
  side_effects: true
  idempotent: true
local.lookup_order:
  description: Looks an order up.
  handler: local.lookup_order
srv.get_current_time:
  description: The time.
  handler: builtin.get_current_time
`;

describe("tools.yaml sources", () => {
  it("reads MCP (stdio and Streamable HTTP), HTTP and module sources with their settings", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": agentWithTools([
        "srv.get_current_time",
        "mcp:github/*",
        "kb.search",
        "http:crm/create_ticket",
        "module:local/*",
      ]),
      "tasks.yaml": TASKS,
      "tools.yaml": SOURCES,
    });

    const config = readStaticCrewConfig(directory);

    expect(config.tool_sources).toEqual({
      github: {
        kind: "mcp",
        name: "github",
        prefix: "github",
        transport: {
          type: "stdio",
          command: "node",
          args: ["server.mjs"],
          env: { LOG_LEVEL: "info" },
          env_secrets: { GITHUB_TOKEN: "github_token" },
          cwd: join(directory, "servers"),
        },
        exclude: ["delete_repo"],
        requires_approval: false,
        tools: { create_issue: { requires_approval: true, idempotent: false, timeout_ms: 5000 } },
      },
      docs: {
        kind: "mcp",
        name: "docs",
        prefix: "kb",
        transport: {
          type: "streamable_http",
          url: "https://mcp.example.com/mcp",
          header_secrets: { Authorization: "docs_auth" },
        },
        include: ["search"],
        exclude: [],
        requires_approval: false,
        tools: {},
      },
      crm: {
        kind: "http",
        name: "crm",
        url: "https://crm.example.com/tools",
        signing_secret: "crm_signing",
        retries: 2,
        timeout_ms: 8000,
      },
      local: { kind: "module", name: "local", path: join(directory, "tools/local.ts") },
    });
    expect(config.tools["crm.create_ticket"]).toMatchObject({
      handler: "crm.create_ticket",
      side_effects: true,
      idempotent: true,
    });
    expect(config.tools["srv.get_current_time"]?.idempotent).toBe(false);
    expect(config.tools).not.toHaveProperty("sources");
    // Selectors stay as written: the worker expands them once the MCP servers have listed.
    expect(config.agents.helper?.tools).toEqual([
      "srv.get_current_time",
      "mcp:github/*",
      "kb.search",
      "http:crm/create_ticket",
      "module:local/*",
    ]);
  });

  it("names file and key of every selector and handler that resolves to nothing", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": agentWithTools([
        "srv.nothing",
        "mcp:gitlab/*",
        "http:github/*",
        "http:crm/delete_ticket",
        "mcp:docs/fetch",
        "mcp:github/delete_repo",
        "tool:crm/x",
        "ui.navigate",
      ]),
      "tasks.yaml": TASKS,
      "tools.yaml": `${SOURCES}
srv.broken:
  description: Names a source nobody declared.
  handler: jira.create
srv.unknown_builtin:
  description: Names a built-in that does not exist.
  handler: builtin.launch_rockets
`,
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual([
      "tools.yaml: srv.broken.handler",
      "tools.yaml: srv.unknown_builtin.handler",
      "agents.yaml: helper.tools[0]",
      "agents.yaml: helper.tools[1]",
      "agents.yaml: helper.tools[2]",
      "agents.yaml: helper.tools[3]",
      "agents.yaml: helper.tools[4]",
      "agents.yaml: helper.tools[5]",
      "agents.yaml: helper.tools[6]",
    ]);
    expect(error.message).toContain('unknown tool source "jira"');
    expect(error.message).toContain('unknown built-in handler "builtin.launch_rockets"');
    expect(error.message).toContain('helper.tools[0]: unknown tool "srv.nothing"');
    expect(error.message).toContain('helper.tools[1]: unknown tool source "gitlab"');
    expect(error.message).toContain('helper.tools[2]: "github" is a mcp source, not http');
    expect(error.message).toContain(
      "helper.tools[3]: no tool in tools.yaml uses crm.delete_ticket",
    );
    expect(error.message).toContain("not in docs's include list");
    expect(error.message).toContain("in github's exclude list");
    expect(error.message).toContain('unknown source kind "tool"');
  });

  it("refuses a source without a transport, a literal header, a shared prefix and a bad secret name", () => {
    const directory = writeConfigDirectory({
      "agents.yaml": agentWithTools([]),
      "tasks.yaml": TASKS,
      "tools.yaml": `
sources:
  neither:
    kind: mcp
  literal:
    kind: mcp
    url: https://mcp.example.com/mcp
    headers: { Authorization: Bearer abc }
  first:
    kind: mcp
    command: node
    prefix: same
  second:
    kind: mcp
    command: node
    prefix: same
  signed:
    kind: http
    url: https://crm.example.com
    signing_secret: "Bearer abc"
  builtin:
    kind: module
    path: x.ts
`,
    });

    const error = configErrorFrom(() => readStaticCrewConfig(directory));

    expect(problemLocations(error)).toEqual([
      "tools.yaml: sources.neither",
      "tools.yaml: sources.literal",
      "tools.yaml: sources.second.prefix",
      "tools.yaml: sources.signed.signing_secret",
      "tools.yaml: sources.builtin",
    ]);
    expect(error.message).toContain("give either command (stdio) or url (Streamable HTTP)");
  });
});
