import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ConfigError } from "../../../../../../src/core/agent/infrastructure/config/config-error.js";
import { readStaticCrewConfig } from "../../../../../../src/core/agent/infrastructure/config/read-static-crew-config.js";
import type { StaticCrewConfig } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import { startToolSources } from "../../../../../../src/core/agent/infrastructure/tools/start-tool-sources.js";
import { MCP_STDIO_SERVER_ARGS } from "../../../../../support/tool-sources-project.js";

const SETTINGS = {
  timeoutMs: 5000,
  maxResultBytes: 65_536,
  mcpConnectTimeoutMs: 10_000,
  secrets: {},
};

/** A config directory with one agent naming `tools`, and `toolsYaml`. */
function config(tools: string[], toolsYaml: string, files: Record<string, string> = {}) {
  const directory = mkdtempSync(join(tmpdir(), "start-tool-sources-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  const callLog = join(directory, "calls.jsonl");
  writeFileSync(
    join(directory, "agents.yaml"),
    `helper:\n  role: Helper\n  goal: Help.\n  backstory: You help.\n  tools: ${JSON.stringify(tools)}\n`,
  );
  writeFileSync(
    join(directory, "tasks.yaml"),
    "answer:\n  description: Answer.\n  expected_output: An answer.\n",
  );
  writeFileSync(
    join(directory, "tools.yaml"),
    toolsYaml.replaceAll("@CALLS@", JSON.stringify(callLog)),
  );
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(directory, name), content);
  return readStaticCrewConfig(directory);
}

const STDIO_SOURCE = `
sources:
  orders:
    kind: mcp
    command: ${JSON.stringify(process.execPath)}
    args: ${JSON.stringify(MCP_STDIO_SERVER_ARGS)}
    env: { MCP_CALL_LOG: @CALLS@ }
`;

async function startError(staticConfig: StaticCrewConfig, secrets = {}): Promise<ConfigError> {
  const error = await startToolSources({
    config: staticConfig,
    settings: { ...SETTINGS, secrets },
    logger: { info() {}, warn() {}, error() {} },
  }).then(
    async (registry) => {
      await registry.close();
      throw new Error("expected the worker's tool sources to refuse to start");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("starting the worker's tool sources", () => {
  it("lists an MCP server's tools with their schemas under the prefix", async () => {
    const staticConfig = config(["mcp:orders/*"], STDIO_SOURCE);
    const registry = await startToolSources({
      config: staticConfig,
      settings: SETTINGS,
      logger: { info() {}, warn() {}, error() {} },
    });
    onTestFinished(() => registry.close());

    expect(
      registry
        .listedTools()
        .map((tool) => tool.name)
        .sort(),
    ).toEqual(["orders.fail", "orders.lookup_order", "orders.ship_order", "orders.wait_forever"]);
    const lookup = registry.listedTools().find((tool) => tool.name === "orders.lookup_order");
    expect(lookup).toMatchObject({
      handler: "orders.lookup_order",
      requires_approval: false,
      side_effects: false, // readOnlyHint
      parameters: { type: "object", properties: { order_id: { type: "string" } } },
    });
  });

  it("refuses to start when an agent names a tool the server does not list", async () => {
    const error = await startError(config(["orders.lookup_order", "orders.launch"], STDIO_SOURCE));

    expect(error.problems).toEqual([
      {
        file: "agents.yaml",
        key: "helper.tools[1]",
        message: 'MCP server "orders" lists no tool "orders.launch"',
      },
    ]);
  });

  it("refuses to start without the secrets tools.yaml names, naming each key", async () => {
    const error = await startError(
      config(
        [],
        `
sources:
  crm:
    kind: http
    url: http://127.0.0.1:9/tools
    signing_secret: crm_signing
  docs:
    kind: mcp
    url: http://127.0.0.1:9/mcp
    header_secrets: { Authorization: docs_auth }
`,
      ),
      { docs_auth: "Bearer x" },
    );

    expect(error.problems).toEqual([
      {
        file: "tools.yaml",
        key: "sources.crm.signing_secret",
        message: 'secret "crm_signing" is not set (SOCIAL_TOOLS__SECRETS__CRM_SIGNING)',
      },
    ]);
  });

  it("refuses a module that does not export a handler a tool names", async () => {
    const error = await startError(
      config(
        [],
        `
sources:
  local: { kind: module, path: handlers.mjs }
local.one:
  description: One.
  handler: local.one
local.two:
  description: Two.
  handler: local.two
`,
        { "handlers.mjs": "export function one() { return 1; }\nexport const two = 2;\n" },
      ),
    );

    expect(error.problems).toEqual([
      {
        file: "tools.yaml",
        key: "local.two.handler",
        message: 'the module of source "local" exports no function "two" (it exports: one)',
      },
    ]);
  });

  it("starts while an MCP server is down; its calls fail with a tool error naming it", async () => {
    const staticConfig = config(
      ["mcp:down/*"],
      `
sources:
  down:
    kind: mcp
    url: http://127.0.0.1:9/mcp
`,
    );
    const warnings: string[] = [];
    const registry = await startToolSources({
      config: staticConfig,
      settings: { ...SETTINGS, mcpConnectTimeoutMs: 2000 },
      logger: { info() {}, warn: (message) => warnings.push(message), error() {} },
    });
    onTestFinished(() => registry.close());

    expect(registry.listedTools()).toEqual([]);
    expect(warnings).toContain("MCP server is not reachable; retrying in the background");
    await expect(
      registry.invoke({
        tool: {
          name: "down.anything",
          description: "",
          parameters: { type: "object" },
          requires_approval: false,
          handler: "down.anything",
          side_effects: false,
          idempotent: false,
        },
        args: {},
        context: {
          runId: "r",
          sessionId: "s",
          userId: "u",
          toolCallId: "c",
          toolName: "down.anything",
          idempotencyKey: "r:c",
          signal: new AbortController().signal,
          logger: { info() {}, warn() {}, error() {} },
          now: new Date(),
        },
      }),
    ).rejects.toThrow(/^MCP server "down" is not reachable: /);
  });
});
