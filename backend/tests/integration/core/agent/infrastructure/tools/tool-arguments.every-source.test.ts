import { describe, expect, it } from "vitest";
import { admitAndExecute, firstTurn, runRow } from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import {
  type HttpToolServer,
  startHttpToolServer,
} from "../../../../../support/http-tool-server.js";
import {
  MCP_STDIO_SERVER_ARGS,
  mcpCalls,
  storedToolMessage,
  TOOL_USER,
  useToolSourcesProject,
} from "../../../../../support/tool-sources-project.js";

const SECRET = "arguments-secret";
let service: HttpToolServer | undefined;

// One agent with a tool of every kind; each tool takes a required string.
const project = useToolSourcesProject({
  agentTools: ["mcp:orders/lookup_order", "http:crm/*", "module:local/*", "srv.get_current_time"],
  setup: async ({ callLog }) => {
    service = await startHttpToolServer(SECRET);
    return {
      toolsYaml: `
sources:
  orders:
    kind: mcp
    command: ${JSON.stringify(process.execPath)}
    args: ${JSON.stringify(MCP_STDIO_SERVER_ARGS)}
    env: { MCP_CALL_LOG: ${JSON.stringify(callLog)} }
  crm:
    kind: http
    url: ${service.url}
    signing_secret: crm_signing
  local:
    kind: module
    path: local-tools.mjs
crm.create_ticket:
  description: Opens a ticket.
  parameters: { type: object, properties: { title: { type: string } }, required: [title] }
  handler: crm.create_ticket
local.echo:
  description: Echoes.
  parameters: { type: object, properties: { text: { type: string } }, required: [text] }
  handler: local.echo
srv.get_current_time:
  description: The time.
  parameters:
    type: object
    properties: { timezone: { type: string } }
    additionalProperties: false
  handler: builtin.get_current_time
`,
      environment: { SOCIAL_TOOLS__SECRETS__CRM_SIGNING: SECRET },
      files: {
        "local-tools.mjs": `
globalThis.localEchoCalls = 0;
export function echo(args) { globalThis.localEchoCalls += 1; return args; }
`,
      },
    };
  },
  teardown: async () => service?.close(),
});

describe("schema-invalid arguments from the model", () => {
  it("never reach the handler of any kind of source; the model gets the argument errors", async () => {
    const marker = uniqueId("invalid");
    const calls = {
      mcp: uniqueId("call-mcp"),
      http: uniqueId("call-http"),
      module: uniqueId("call-module"),
      builtin: uniqueId("call-builtin"),
    };
    project.agents.script(marker, {
      [TOOL_USER]: [
        {
          toolCalls: [
            { id: calls.mcp, name: "orders_lookup_order", arguments: { order_id: 17 } },
            { id: calls.http, name: "crm_create_ticket", arguments: { subject: "no title" } },
            { id: calls.module, name: "local_echo", arguments: { text: ["not", "a", "string"] } },
            { id: calls.builtin, name: "srv_get_current_time", arguments: { zone: "UTC" } },
          ],
        },
        { text: "My arguments were wrong." },
      ],
    });
    const turn = firstTurn({ text: `Try everything ${marker}` });
    const mcpBefore = mcpCalls(project.callLog).filter((entry) => entry.event === "call").length;

    await admitAndExecute(project.runtime, uniqueId("user"), turn);

    expect(mcpCalls(project.callLog).filter((entry) => entry.event === "call")).toHaveLength(
      mcpBefore,
    );
    expect(service?.requestsTo("/create_ticket")).toEqual([]);
    expect((globalThis as { localEchoCalls?: number }).localEchoCalls ?? 0).toBe(0);
    for (const callId of Object.values(calls)) {
      const stored = await storedToolMessage(project.database, turn.threadId, callId);
      expect(stored?.error, callId).toBeTruthy();
    }
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "succeeded" });
  });
});
