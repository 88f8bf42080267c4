import type { BaseEvent } from "@ag-ui/client";
import { EventSchemas, InterruptSchema } from "@ag-ui/core/schemas";
import { describe, expect, it } from "vitest";
import { postResume, postRun } from "../../support/agui-crew.js";
import { verifyAgUiEvents } from "../../support/agui-stream-checks.js";
import {
  admitAndExecute,
  firstTurn,
  messageRows,
  runEvents,
  runRow,
  type StoredAgUiEvent,
  sessionRow,
  wireMessages,
} from "../../support/crew-runs.js";
import { uniqueId } from "../../support/database.js";
import { useScriptedProject } from "../../support/scripted-project.js";

// One agent, tasks without agent:, and draft_task has human_input: true. Workflow `review`:
// draft (context) then final (chat); workflow `chat_review`: the draft is the chat answer.
const project = useScriptedProject("review-crew");

interface ReviewInterrupt {
  id: string;
  reason: string;
  message?: string;
  toolCallId?: string;
  responseSchema?: Record<string, unknown>;
  metadata?: { task: string; stage: string; output: string };
}

/** Every event of the run is a valid AG-UI event and the stream passes `verifyEvents`. */
async function expectValidStream(runId: string): Promise<void> {
  const events = (await runEvents(project.runtime, runId)).map(
    (event) => EventSchemas.parse(event) as BaseEvent,
  );
  await expect(verifyAgUiEvents(events)).resolves.toHaveLength(events.length);
}

async function interruptOf(runId: string): Promise<ReviewInterrupt> {
  const finished = (await runEvents(project.runtime, runId)).at(-1) as StoredAgUiEvent & {
    outcome: { type: string; interrupts: ReviewInterrupt[] };
  };
  expect(finished.type).toBe("RUN_FINISHED");
  expect(finished.outcome.type).toBe("interrupt");
  const [interrupt] = finished.outcome.interrupts;
  if (!interrupt) throw new Error("no interrupt");
  return interrupt;
}

async function startReview({ topic, workflow }: { topic: string; workflow?: string }) {
  const userId = uniqueId("reviewer");
  const turn = {
    ...firstTurn({ text: `A post please ${topic}` }),
    forwardedProps: { ...(workflow ? { agent: workflow } : {}), inputs: { topic } },
  };
  await admitAndExecute(project.runtime, userId, turn);
  return { userId, turn, interrupt: await interruptOf(turn.runId) };
}

function resumeTurn(turn: { threadId: string; messages: unknown[] }, resume: unknown[]) {
  return {
    threadId: turn.threadId,
    runId: uniqueId("run"),
    messages: turn.messages,
    tools: [],
    context: [],
    forwardedProps: {},
    resume,
  };
}

const WRITER = (topic: string) => `${topic} writer`;

describe("a task with human_input: true", () => {
  it("pauses after the task with an AG-UI interrupt carrying its answer, and an approval goes on without re-running it", async () => {
    const topic = uniqueId("rust");
    project.agents.script(topic, {
      [WRITER(topic)]: [{ text: "DRAFT-1" }, { text: "FINAL-POST" }],
    });

    const { userId, turn, interrupt } = await startReview({ topic });

    expect(InterruptSchema.safeParse(interrupt).success).toBe(true);
    expect(interrupt).toMatchObject({
      reason: "human_input",
      metadata: { task: "draft_task", stage: "draft_task", output: "DRAFT-1" },
      responseSchema: { required: ["approved"] },
    });
    // Raised by a workflow step, not by a tool call: it names none.
    expect(interrupt.toolCallId).toBeUndefined();
    expect(interrupt.message).toContain('Review the answer to "draft_task"');
    expect(await runRow(project.database, turn.runId)).toMatchObject({ status: "interrupted" });
    expect(project.agents.requestsFor(topic)).toHaveLength(1);

    const resume = resumeTurn(turn, [
      { interruptId: interrupt.id, status: "resolved", payload: { approved: true } },
    ]);
    await admitAndExecute(project.runtime, userId, resume);

    const requests = project.agents.requestsFor(topic);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.system).toContain("Context from earlier stages:\n- draft_task: DRAFT-1");
    expect(await runRow(project.database, resume.runId)).toMatchObject({ status: "succeeded" });
    expect((await messageRows(project.database, turn.threadId)).at(-1)?.content).toBe("FINAL-POST");
    await expectValidStream(turn.runId);
    await expectValidStream(resume.runId);
    const snapshot = (await sessionRow(project.database, turn.threadId)).stateSnapshot as {
      pending_tool_calls: unknown[];
    };
    expect(snapshot.pending_tool_calls).toEqual([]);
  });

  it("revises the answer from the reviewer's feedback and asks again, until approved (REST resume)", async () => {
    const topic = uniqueId("go");
    project.agents.script(topic, {
      [WRITER(topic)]: [{ text: "DRAFT-1" }, { text: "DRAFT-2" }, { text: "FINAL-FROM-2" }],
    });
    const { userId, turn, interrupt } = await startReview({ topic });

    const revise = await postResume(project.runtime, userId, turn.runId, {
      run_id: uniqueId("run"),
      resume: [
        {
          interruptId: interrupt.id,
          status: "resolved",
          payload: { approved: false, feedback: "Mention the garbage collector" },
        },
      ],
    });
    expect(revise.status).toBe(202);
    const reviseRunId = (revise.body as { run_id: string }).run_id;
    await project.runtime.executeJob(reviseRunId);

    const [, revision] = project.agents.requestsFor(topic);
    expect(wireMessages(revision?.body).slice(-2)).toEqual([
      { role: "assistant", content: "DRAFT-1" },
      {
        role: "user",
        content:
          "Revise your answer with this feedback from the reviewer: Mention the garbage collector",
      },
    ]);
    const second = await interruptOf(reviseRunId);
    expect(second.id).not.toBe(interrupt.id);
    expect(second.metadata?.output).toBe("DRAFT-2");

    const approve = await postResume(project.runtime, userId, reviseRunId, {
      run_id: uniqueId("run"),
      resume: [{ interruptId: second.id, status: "resolved", payload: { approved: true } }],
    });
    const approveRunId = (approve.body as { run_id: string }).run_id;
    await project.runtime.executeJob(approveRunId);

    const requests = project.agents.requestsFor(topic);
    expect(requests).toHaveLength(3);
    expect(requests[2]?.system).toContain("- draft_task: DRAFT-2");
    expect(await runRow(project.database, approveRunId)).toMatchObject({ status: "succeeded" });
  });

  it("refuses a rejection without feedback with 400 naming the field, and changes nothing", async () => {
    const topic = uniqueId("zig");
    project.agents.script(topic, { [WRITER(topic)]: [{ text: "DRAFT-1" }] });
    const { userId, turn, interrupt } = await startReview({ topic });

    const refused = await postRun(
      project.runtime,
      userId,
      resumeTurn(turn, [
        { interruptId: interrupt.id, status: "resolved", payload: { approved: false } },
      ]),
    );

    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe("VALIDATION_ERROR");
    expect(refused.body.error?.message).toContain("body.resume[0].payload.feedback");
    expect((await sessionRow(project.database, turn.threadId)).status).toBe("interrupted");
  });

  it("cancels the run when the reviewer cancels the interrupt", async () => {
    const topic = uniqueId("ada");
    project.agents.script(topic, { [WRITER(topic)]: [{ text: "DRAFT-1" }] });
    const { userId, turn, interrupt } = await startReview({ topic });

    const resume = resumeTurn(turn, [{ interruptId: interrupt.id, status: "cancelled" }]);
    await admitAndExecute(project.runtime, userId, resume);

    const events = await runEvents(project.runtime, resume.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "cancelled" } });
    expect(project.agents.requestsFor(topic)).toHaveLength(1);
  });

  it("in a chat stage, shows and stores the answer, the feedback and the revision", async () => {
    const topic = uniqueId("ocaml");
    project.agents.script(topic, { [WRITER(topic)]: [{ text: "DRAFT-1" }, { text: "DRAFT-2" }] });
    const { userId, turn, interrupt } = await startReview({ topic, workflow: "chat_review" });
    expect(
      (await runEvents(project.runtime, turn.runId))
        .filter((event) => event.type === "TEXT_MESSAGE_CONTENT")
        .map((event) => event.delta),
    ).toEqual(["DRAFT-1"]);

    const revise = resumeTurn(turn, [
      {
        interruptId: interrupt.id,
        status: "resolved",
        payload: { approved: false, feedback: "Shorter" },
      },
    ]);
    await admitAndExecute(project.runtime, userId, revise);
    const second = await interruptOf(revise.runId);
    const approve = resumeTurn(turn, [
      { interruptId: second.id, status: "resolved", payload: { approved: true } },
    ]);
    await admitAndExecute(project.runtime, userId, approve);

    expect(await runRow(project.database, approve.runId)).toMatchObject({ status: "succeeded" });
    for (const runId of [turn.runId, revise.runId, approve.runId]) await expectValidStream(runId);
    const messages = await messageRows(project.database, turn.threadId);
    expect(messages.map((message) => [message.role, message.content])).toEqual([
      ["user", `A post please ${topic}`],
      ["assistant", "DRAFT-1"],
      ["user", "Revise your answer with this feedback from the reviewer: Shorter"],
      ["assistant", "DRAFT-2"],
    ]);
  });
});
