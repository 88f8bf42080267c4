import { describe, expect, it } from "vitest";
import { postResume } from "../../../../../support/agui-crew.js";
import { admitAndExecute, firstTurn, runRow } from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import {
  type HttpToolServer,
  startHttpToolServer,
} from "../../../../../support/http-tool-server.js";
import {
  pendingInterruptId,
  storedToolMessage,
  TOOL_USER,
  toolResults,
  useToolSourcesProject,
} from "../../../../../support/tool-sources-project.js";

const SECRET = "test-signing-secret";
let service: HttpToolServer | undefined;

function tool(name: string, extra = ""): string {
  return `
crm.${name}:
  description: ${name}
  parameters: { type: object, properties: { title: { type: string } }, additionalProperties: false }
  handler: crm.${name}
${extra}`;
}

const project = useToolSourcesProject({
  agentTools: ["http:crm/*"],
  setup: async () => {
    service = await startHttpToolServer(SECRET);
    return {
      toolsYaml: `
sources:
  crm:
    kind: http
    url: ${service.url}
    signing_secret: crm_signing
    timeout_ms: 5000
${tool("create_ticket", "  requires_approval: true\n  side_effects: true")}
${tool("broken", "  idempotent: true")}
${tool("slow", "  timeout_ms: 300")}
${tool("flaky", "  idempotent: true")}
${tool("flaky_once")}
`,
      environment: { SOCIAL_TOOLS__SECRETS__CRM_SIGNING: SECRET },
      files: {},
    };
  },
  teardown: async () => service?.close(),
});

/** One run in which the model calls `name` with `args`; the stored tool message. */
async function callOnce(name: string, args: Record<string, unknown> = {}) {
  const marker = uniqueId(name);
  const callId = uniqueId("call");
  project.agents.script(marker, {
    [TOOL_USER]: [
      { toolCalls: [{ id: callId, name: `crm_${name}`, arguments: args }] },
      { text: "Done." },
    ],
  });
  const turn = firstTurn({ text: `Go ${marker}` });
  await admitAndExecute(project.runtime, uniqueId("user"), turn);
  return {
    turn,
    callId,
    stored: await storedToolMessage(project.database, turn.threadId, callId),
    run: await runRow(project.database, turn.runId),
  };
}

describe("an HTTP tool service (tools.yaml source kind http)", () => {
  it("is called once per approved call, signed and with the idempotency key; a replayed approval does not call it again", async () => {
    const marker = uniqueId("ticket");
    const callId = uniqueId("call");
    const userId = uniqueId("user");
    project.agents.script(marker, {
      [TOOL_USER]: [
        {
          toolCalls: [{ id: callId, name: "crm_create_ticket", arguments: { title: marker } }],
        },
        { text: "Ticket opened." },
      ],
    });
    const turn = firstTurn({ text: `Open a ticket ${marker}` });
    await admitAndExecute(project.runtime, userId, turn);
    expect((await runRow(project.database, turn.runId)).status).toBe("interrupted");
    const forTicket = () =>
      service?.requestsTo("/create_ticket").filter((request) => request.body.title === marker) ??
      [];
    expect(forTicket()).toEqual([]);

    const interruptId = await pendingInterruptId(project.database, turn.threadId, callId);
    const resume = {
      ...turn,
      runId: uniqueId("run"),
      resume: [{ interruptId, status: "resolved", payload: { approved: true } }],
    };
    await admitAndExecute(project.runtime, userId, resume);
    // The same job again (a worker retry), then the same approval sent again.
    await project.runtime.executeJob(resume.runId).catch(() => {});
    const replay = await postResume(project.runtime, userId, turn.runId, {
      ...resume,
      runId: uniqueId("run"),
    });

    expect(replay.status).toBeGreaterThanOrEqual(400);
    const requests = forTicket();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      body: { title: marker },
      idempotencyKey: `${resume.runId}:${callId}`,
      signatureValid: true,
    });
    const [result] = await toolResults(project.runtime, resume.runId);
    expect(JSON.parse(result?.content ?? "null")).toMatchObject({ title: marker });
    expect(await runRow(project.database, resume.runId)).toMatchObject({ status: "succeeded" });
  });

  it("a 500 answer becomes a tool error the model sees; the run goes on", async () => {
    const before = service?.requestsTo("/broken").length ?? 0;
    const { stored, run } = await callOnce("broken");

    expect(stored?.error).toBe("HTTP tool crm.broken answered 500: database unavailable");
    expect(run.status).toBe("succeeded");
    // Idempotent: retried (2 retries by default), then given up.
    expect((service?.requestsTo("/broken").length ?? 0) - before).toBe(3);
  });

  it("a call past its timeout becomes a tool error; the run goes on", async () => {
    const { stored, run } = await callOnce("slow");

    expect(stored?.error).toBe("Tool crm.slow did not finish within 300 ms");
    expect(run.status).toBe("succeeded");
  });

  it("retries a transient failure only when the tool is idempotent, with the same idempotency key", async () => {
    const idempotent = await callOnce("flaky");
    expect(idempotent.stored?.error).toBeNull();
    expect(JSON.parse(idempotent.stored?.content ?? "null")).toEqual({ ok: true, attempt: 2 });
    const keys = service
      ?.requestsTo("/flaky")
      .filter((request) => request.idempotencyKey?.endsWith(`:${idempotent.callId}`))
      .map((request) => request.idempotencyKey);
    expect(keys).toEqual([
      `${idempotent.turn.runId}:${idempotent.callId}`,
      `${idempotent.turn.runId}:${idempotent.callId}`,
    ]);

    const once = await callOnce("flaky_once");
    expect(once.stored?.error).toBe("HTTP tool crm.flaky_once answered 503: try again");
    expect(
      service
        ?.requestsTo("/flaky_once")
        .filter((request) => request.idempotencyKey?.endsWith(`:${once.callId}`)),
    ).toHaveLength(1);
  });
});
