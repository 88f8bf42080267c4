import { type BaseEvent, EventType, type ToolCallResultEvent } from "@ag-ui/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrashPoint } from "../../../src/core/agent/infrastructure/crew/test-crash-points.js";
import { uniqueId } from "../../support/database.js";
import { eventsOf, RUNS_PATH } from "../../support/hitl-client.js";
import { type HitlEnvironment, startHitlEnvironment } from "../../support/hitl-environment.js";
import { pauseOnTransfer } from "../../support/hitl-threads.js";
import { SINGLE_STAGE, TRANSFER_TOOL } from "../../support/hitl-tools.js";
import { ServiceProcess } from "../../support/service-processes.js";

/**
 * Issue 9 item 5: a worker killed (SIGKILL) at each point of an approval resume. The worker
 * that dies runs with the test-only SOCIAL_TEST_CRASH_AT (test-crash-points.ts); a fresh worker
 * without it recovers the run. Whatever the point, the handler ran at most once (the ledger's
 * `attempts` counts handler starts: each is recorded before the handler is called), and the
 * client's stream, the stored stream and the history each hold exactly one result for the call.
 */
let env: HitlEnvironment;
let worker: ServiceProcess;

beforeAll(async () => {
  env = await startHitlEnvironment();
  worker = env.services.worker;
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

function spawnWorker(crashAt?: CrashPoint): ServiceProcess {
  return ServiceProcess.spawn("worker", {
    ...env.services.environment,
    ...(crashAt ? { SOCIAL_TEST_CRASH_AT: crashAt } : {}),
  });
}

function resultsFor(events: readonly BaseEvent[], toolCallId: string): ToolCallResultEvent[] {
  return eventsOf<ToolCallResultEvent>(events, EventType.TOOL_CALL_RESULT).filter(
    (event) => event.toolCallId === toolCallId,
  );
}

/** Pauses on a transfer, resumes it approved on a worker that dies at `point`, then recovers. */
async function resumeThroughCrash(point: CrashPoint) {
  const paused = await pauseOnTransfer(env, [{ text: "Done." }]);
  const { userId, threadId, callId } = paused;
  // Only the crashing worker may pick the resume up.
  await worker.stop();
  const crashing = spawnWorker(point);
  await crashing.waitForLog("worker ready");
  const runId = uniqueId("run");
  const streamed = env.client.stream(RUNS_PATH, userId, {
    threadId,
    runId,
    messages: paused.agent.messages,
    tools: [],
    context: [],
    state: {},
    forwardedProps: SINGLE_STAGE,
    resume: [{ interruptId: paused.interrupt.id, status: "resolved", payload: { approved: true } }],
  });
  expect(await crashing.waitForExit()).toBeNull(); // killed by a signal
  worker = spawnWorker();
  await worker.waitForLog("worker ready");
  const live = await streamed;
  await env.client.waitForRun(runId, userId, ["succeeded", "failed"], 30_000);
  return {
    userId,
    threadId,
    callId,
    runId,
    live,
    stored: await env.client.storedEvents(runId, userId),
    run: await env.client.runOf(runId, userId),
    ledger: await env.db.toolExecutions(callId),
    toolMessages: (await env.db.messages(threadId)).filter(
      (row) => row.role === "tool" && row.tool_call_id === callId,
    ),
    audit: (await env.db.audit(threadId)).filter((row) => row.tool_call_id === callId),
  };
}

function expectOneResult(outcome: Awaited<ReturnType<typeof resumeThroughCrash>>) {
  const { live, stored, toolMessages, callId } = outcome;
  expect(resultsFor(live, callId)).toHaveLength(1);
  expect(resultsFor(stored, callId)).toHaveLength(1);
  expect(toolMessages).toHaveLength(1);
  // The stream shows the stored result (same message id and content).
  expect(resultsFor(stored, callId)[0]).toMatchObject({
    messageId: toolMessages[0]?.id,
    content: toolMessages[0]?.content,
  });
  expect(outcome.run).toMatchObject({ status: "succeeded" });
  expect(outcome.run.attempts).toBeGreaterThanOrEqual(2);
}

describe("a worker killed at each point of an approval resume", () => {
  it.each(["before-tool-call", "after-tool-result-commit", "before-tool-result-publish"] as const)(
    "%s: the handler ran once, one result in the stream and the history",
    async (point) => {
      const outcome = await resumeThroughCrash(point);
      expectOneResult(outcome);
      expect(outcome.ledger).toEqual([
        expect.objectContaining({
          idempotency_key: `${outcome.runId}:${outcome.callId}`,
          attempts: 1,
        }),
      ]);
      expect(JSON.parse(outcome.toolMessages[0]?.content ?? "{}")).toMatchObject({
        status: "completed",
      });
      expect(outcome.audit.map((row) => row.action)).toEqual([
        "tool_call.approved",
        "tool_call.executed",
      ]);
    },
    90_000,
  );

  it.each(["before-tool-handler", "after-tool-handler"] as const)(
    "%s: the outcome is unknown, the call is not started again, the model and the audit log are told",
    async (point) => {
      const outcome = await resumeThroughCrash(point);
      expectOneResult(outcome);
      // Started once, never again (srv.transfer_funds is not idempotent).
      expect(outcome.ledger).toEqual([expect.objectContaining({ attempts: 1 })]);
      const content = JSON.parse(outcome.toolMessages[0]?.content ?? "{}");
      expect(content).toMatchObject({ status: "outcome_unknown" });
      expect(content.error).toContain(`The outcome of ${TRANSFER_TOOL} is unknown`);
      expect(outcome.audit.map((row) => [row.actor, row.action])).toEqual([
        [outcome.userId, "tool_call.approved"],
        ["system", "tool_call.outcome_unknown"],
      ]);
    },
    90_000,
  );
});
