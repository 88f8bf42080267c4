import { expect, it } from "vitest";
import {
  admitAndExecute,
  admitRun,
  firstTurn,
  offeredFunctionNames,
  runRow,
  wireMessages,
} from "./crew-runs.js";
import { uniqueId } from "./database.js";
import {
  cancelRun,
  eventually,
  mcpCalls,
  pendingInterruptId,
  storedToolMessage,
  TOOL_USER,
  type ToolSourcesProject,
  toolResults,
} from "./tool-sources-project.js";

/**
 * The MCP scenarios every transport must pass, against a project whose agent has
 * `mcp:orders/*` (the test MCP server, `ship_order` approval-gated). `kill` makes the server
 * die the way a crash does.
 */
export function mcpSourceScenarios(
  project: ToolSourcesProject,
  { kill }: { kill: () => Promise<void> },
): void {
  it("offers the server's tools under the prefix; a call streams TOOL_CALL_RESULT and is stored", async () => {
    const marker = uniqueId("lookup");
    const callId = uniqueId("call");
    project.agents.script(marker, {
      [TOOL_USER]: [
        {
          toolCalls: [{ id: callId, name: "orders_lookup_order", arguments: { order_id: "A-17" } }],
        },
        { text: "Order A-17 has shipped." },
      ],
    });
    const turn = firstTurn({ text: `Where is order A-17? ${marker}` });

    await admitAndExecute(project.runtime, uniqueId("user"), turn);

    const requests = project.agents.requestsFor(marker);
    expect(offeredFunctionNames(requests[0]?.body).sort()).toEqual([
      "orders_fail",
      "orders_lookup_order",
      "orders_ship_order",
      "orders_wait_forever",
    ]);
    const expected = { order_id: "A-17", status: "shipped", items: 2 };
    const [result] = await toolResults(project.runtime, turn.runId);
    expect(result?.toolCallId).toBe(callId);
    expect(JSON.parse(result?.content ?? "null")).toEqual(expected);
    const stored = await storedToolMessage(project.database, turn.threadId, callId);
    expect(JSON.parse(stored?.content ?? "null")).toEqual(expected);
    expect(stored?.error).toBeNull();
    // The model's next step got the result.
    expect(wireMessages(requests[1]?.body).at(-1)).toMatchObject({
      role: "tool",
      tool_call_id: callId,
    });
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "succeeded" });
  });

  it("an MCP tool error reaches the model as the call's error; the run goes on", async () => {
    const marker = uniqueId("fail");
    const callId = uniqueId("call");
    project.agents.script(marker, {
      [TOOL_USER]: [
        { toolCalls: [{ id: callId, name: "orders_fail", arguments: {} }] },
        { text: "The order system is down." },
      ],
    });
    const turn = firstTurn({ text: `Try it ${marker}` });

    await admitAndExecute(project.runtime, uniqueId("user"), turn);

    const stored = await storedToolMessage(project.database, turn.threadId, callId);
    expect(stored?.error).toContain("the order system is down");
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "succeeded" });
  });

  it("an approval-gated MCP tool pauses with an interrupt and runs exactly once after approval, even when the job runs again", async () => {
    const marker = uniqueId("ship");
    const callId = uniqueId("call");
    const orderId = uniqueId("order");
    const userId = uniqueId("user");
    project.agents.script(marker, {
      [TOOL_USER]: [
        {
          toolCalls: [{ id: callId, name: "orders_ship_order", arguments: { order_id: orderId } }],
        },
        { text: "Shipped." },
      ],
    });
    const turn = firstTurn({ text: `Ship ${orderId} ${marker}` });

    await admitAndExecute(project.runtime, userId, turn);

    const paused = await runRow(project.database, turn.runId);
    expect(paused.status).toBe("interrupted");
    const shipCalls = () =>
      mcpCalls(project.callLog).filter(
        (entry) => entry.event === "call" && entry.args.order_id === orderId,
      );
    expect(shipCalls()).toEqual([]);

    const resumeRunId = uniqueId("run");
    const interruptId = await pendingInterruptId(project.database, turn.threadId, callId);
    await admitAndExecute(project.runtime, userId, {
      ...turn,
      runId: resumeRunId,
      resume: [{ interruptId, status: "resolved", payload: { approved: true } }],
    });
    // The job runs again, as after a worker crash: the call is not made twice.
    await project.runtime.executeJob(resumeRunId).catch(() => {});

    expect(shipCalls()).toHaveLength(1);
    const [result] = await toolResults(project.runtime, resumeRunId);
    expect(result).toMatchObject({ toolCallId: callId, content: `shipped ${orderId}` });
    expect(await runRow(project.database, resumeRunId)).toMatchObject({ status: "succeeded" });
  });

  it("cancelling the run aborts the MCP call: the server gets MCP's cancellation notification", async () => {
    const marker = uniqueId("cancel");
    const callId = uniqueId("call");
    const userId = uniqueId("user");
    project.agents.script(marker, {
      [TOOL_USER]: [{ toolCalls: [{ id: callId, name: "orders_wait_forever", arguments: {} }] }],
    });
    const turn = firstTurn({ text: `Wait ${marker}` });
    const before = mcpCalls(project.callLog).length;
    await admitRun(project.runtime, userId, turn);
    const running = project.runtime.executeJob(turn.runId, { claim: true });
    await eventually(
      () =>
        mcpCalls(project.callLog)
          .slice(before)
          .find((entry) => entry.event === "call" && entry.tool === "wait_forever"),
      { what: "the server to receive the call" },
    );

    expect(await cancelRun(project.runtime, userId, turn.runId)).toBe(202);
    await running;

    await eventually(
      () =>
        mcpCalls(project.callLog)
          .slice(before)
          .find((entry) => entry.event === "aborted" && entry.tool === "wait_forever"),
      { what: "the server to see the cancellation" },
    );
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "cancelled" });
  });

  it("a server that dies during a call gives the model a tool error, the run still ends, and the source reconnects", async () => {
    const marker = uniqueId("kill");
    const callId = uniqueId("call");
    const userId = uniqueId("user");
    project.agents.script(marker, {
      [TOOL_USER]: [
        { toolCalls: [{ id: callId, name: "orders_wait_forever", arguments: {} }] },
        { text: "The order service is unavailable right now." },
      ],
    });
    const turn = firstTurn({ text: `Wait for it ${marker}` });
    const callsBefore = mcpCalls(project.callLog).length;
    await admitRun(project.runtime, userId, turn);
    const running = project.runtime.executeJob(turn.runId);

    await eventually(
      () =>
        mcpCalls(project.callLog)
          .slice(callsBefore)
          .find((entry) => entry.event === "call" && entry.tool === "wait_forever"),
      { what: "the server to receive the call" },
    );
    await kill();
    await running;

    const stored = await storedToolMessage(project.database, turn.threadId, callId);
    expect(stored?.error).toMatch(/MCP server "orders"/);
    const [result] = await toolResults(project.runtime, turn.runId);
    expect(result?.toolCallId).toBe(callId);
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "succeeded" });
    expect(project.agents.requestsFor(marker)).toHaveLength(2);
  });
}

/** After `kill` (and a restart, for a server the runtime does not start): the tool works again. */
export function mcpReconnectScenario(project: ToolSourcesProject): void {
  it("a later run reaches the server again (the source reconnected)", async () => {
    const marker = uniqueId("again");
    const callId = uniqueId("call");
    project.agents.script(marker, {
      [TOOL_USER]: [
        {
          toolCalls: [{ id: callId, name: "orders_lookup_order", arguments: { order_id: "B-2" } }],
        },
        { text: "B-2 shipped." },
      ],
    });
    const turn = firstTurn({ text: `And B-2? ${marker}` });

    await admitAndExecute(project.runtime, uniqueId("user"), turn);

    const stored = await storedToolMessage(project.database, turn.threadId, callId);
    expect(stored?.error).toBeNull();
    expect(JSON.parse(stored?.content ?? "null")).toMatchObject({ order_id: "B-2" });
  });
}
