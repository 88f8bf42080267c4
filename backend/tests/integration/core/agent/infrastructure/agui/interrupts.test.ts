import { InterruptSchema } from "@ag-ui/core/schemas";
import { describe, expect, it } from "vitest";
import { AGUI_CONFIG, auditRows, postResume, postRun } from "../../../../../support/agui-crew.js";
import {
  admitAndExecute,
  firstTurn,
  messageRows,
  runEvents,
  runRow,
  type StoredAgUiEvent,
  sessionRow,
  wireMessages,
} from "../../../../../support/crew-runs.js";
import { uniqueId } from "../../../../../support/database.js";
import { useScriptedCrew } from "../../../../../support/scripted-crew.js";

const crew = useScriptedCrew({ SOCIAL_RUNTIME__CONFIG_DIR: AGUI_CONFIG });

interface Paused {
  userId: string;
  marker: string;
  turn: ReturnType<typeof firstTurn>;
  interrupt: {
    id: string;
    reason: string;
    message?: string;
    toolCallId?: string;
    responseSchema?: unknown;
    expiresAt?: string;
  };
}

/** Run 1 calls `tool` (an ask-the-user tool) and ends with its interrupt. */
async function pauseOn(tool: string, followUps: { text: string }[] = []): Promise<Paused> {
  const userId = uniqueId("user");
  const marker = uniqueId("meeting");
  crew.conversations.script(marker, {
    respond: [
      { toolCalls: [{ id: uniqueId("call"), name: tool, arguments: { topic: "sync" } }] },
      ...followUps,
    ],
  });
  const turn = firstTurn({ text: `Book a meeting ${marker}` });
  await admitAndExecute(crew.runtime, userId, turn);
  const finished = (await runEvents(crew.runtime, turn.runId)).at(-1) as StoredAgUiEvent & {
    outcome: { type: string; interrupts: Paused["interrupt"][] };
  };
  expect(finished.outcome.type).toBe("interrupt");
  const [interrupt] = finished.outcome.interrupts;
  if (!interrupt) throw new Error("no interrupt");
  return { userId, marker, turn, interrupt };
}

function resumeTurn(paused: Paused, resume: unknown[]) {
  return {
    threadId: paused.turn.threadId,
    runId: uniqueId("run"),
    messages: paused.turn.messages,
    tools: [],
    context: [],
    resume,
  };
}

describe("general interrupts (an ask-the-user tool with a responseSchema)", () => {
  it("pauses with the tool's reason, message and responseSchema, and resumes with a valid payload as the tool's result", async () => {
    const paused = await pauseOn("schedule_meeting", [{ text: "Booked for 10:00." }]);
    expect(paused.interrupt).toMatchObject({
      reason: "input_required",
      message: "Pick a time for the meeting",
      responseSchema: { required: ["chosen_time", "chosen_label"] },
    });
    expect(InterruptSchema.strict().safeParse(paused.interrupt).success).toBe(true);
    expect(Date.parse(paused.interrupt.expiresAt ?? "")).toBeGreaterThan(Date.now());
    expect((await runRow(crew.database, paused.turn.runId)).status).toBe("interrupted");

    const payload = { chosen_time: "10:00", chosen_label: "Morning standup" };
    const resume = resumeTurn(paused, [
      { interruptId: paused.interrupt.id, status: "resolved", payload },
    ]);
    await admitAndExecute(crew.runtime, paused.userId, resume);

    const events = await runEvents(crew.runtime, resume.runId);
    const result = events.find((event) => event.type === "TOOL_CALL_RESULT");
    expect(result).toMatchObject({
      toolCallId: paused.interrupt.toolCallId,
      content: JSON.stringify(payload),
    });
    // No START/ARGS/END again: the result answers the original call.
    expect(events.filter((event) => event.type === "TOOL_CALL_START")).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "success" } });
    const followUp = crew.conversations.requestsFor(paused.marker).at(-1);
    expect(wireMessages(followUp?.body).at(-1)).toMatchObject({
      role: "tool",
      tool_call_id: paused.interrupt.toolCallId,
      content: JSON.stringify(payload),
    });
    const rows = await messageRows(crew.database, paused.turn.threadId);
    expect(rows.filter((row) => row.role === "tool").map((row) => row.content)).toEqual([
      JSON.stringify(payload),
    ]);
    const audit = await auditRows(crew.database, paused.turn.threadId);
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: "interrupt.answered",
        tool_call_id: paused.interrupt.toolCallId,
        payload: expect.objectContaining({
          interrupt_id: paused.interrupt.id,
          response: JSON.stringify(payload),
        }),
      }),
    );
  });

  it("refuses a payload that does not fit the responseSchema with 400 naming the field, on both routes, and changes nothing", async () => {
    const paused = await pauseOn("schedule_meeting");
    const before = await sessionRow(crew.database, paused.turn.threadId);

    const byRuns = await postRun(
      crew.runtime,
      paused.userId,
      resumeTurn(paused, [
        { interruptId: paused.interrupt.id, status: "resolved", payload: { chosen_time: "10:00" } },
      ]),
    );
    expect(byRuns.status).toBe(400);
    expect(byRuns.body.error?.code).toBe("VALIDATION_ERROR");
    expect(byRuns.body.error?.message).toContain("body.resume[0].payload.chosen_label");
    expect(byRuns.body.error?.details?.issues).toEqual([
      { field: "body.resume[0].payload.chosen_label", message: "is required" },
    ]);

    const byResumeRoute = await postResume(crew.runtime, paused.userId, paused.turn.runId, {
      resume: [
        {
          interruptId: paused.interrupt.id,
          status: "resolved",
          payload: { chosen_time: 10, chosen_label: "x", extra: true },
        },
      ],
    });
    expect(byResumeRoute.status).toBe(400);
    expect(byResumeRoute.body.error?.details?.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "body.resume[0].payload.chosen_time" }),
        expect.objectContaining({ field: "body.resume[0].payload.extra" }),
      ]),
    );
    const after = await sessionRow(crew.database, paused.turn.threadId);
    expect(after.version).toBe(before.version);
    expect(after.status).toBe("interrupted");
  });

  it("resumes through POST /runs/{id}/resume with a valid payload", async () => {
    const paused = await pauseOn("schedule_meeting", [{ text: "Booked." }]);
    const runId = uniqueId("run");
    const answer = await postResume(crew.runtime, paused.userId, paused.turn.runId, {
      run_id: runId,
      resume: [
        {
          interruptId: paused.interrupt.id,
          status: "resolved",
          payload: { chosen_time: "14:00", chosen_label: "Afternoon" },
        },
      ],
    });
    expect(answer.status).toBe(202);
    await crew.runtime.executeJob(runId);
    expect((await runRow(crew.database, runId)).status).toBe("succeeded");
    const events = await runEvents(crew.runtime, runId);
    expect(events.find((event) => event.type === "TOOL_CALL_RESULT")?.content).toBe(
      '{"chosen_time":"14:00","chosen_label":"Afternoon"}',
    );
  });

  it("treats a cancelled interrupt as a refusal the model sees", async () => {
    const paused = await pauseOn("schedule_meeting", [{ text: "No meeting then." }]);
    const resume = resumeTurn(paused, [{ interruptId: paused.interrupt.id, status: "cancelled" }]);
    await admitAndExecute(crew.runtime, paused.userId, resume);
    const result = (await runEvents(crew.runtime, resume.runId)).find(
      (event) => event.type === "TOOL_CALL_RESULT",
    );
    expect(JSON.parse(String(result?.content))).toMatchObject({ status: "rejected" });
  });

  it("skips (and audits) a resume entry naming no interrupt, as AG-UI 1.0 asks, while the known ones resume", async () => {
    const paused = await pauseOn("schedule_meeting", [{ text: "Booked." }]);
    const resume = resumeTurn(paused, [
      {
        interruptId: paused.interrupt.id,
        status: "resolved",
        payload: { chosen_time: "9:00", chosen_label: "Early" },
      },
      { interruptId: "interrupt-nobody-raised", status: "resolved", payload: { anything: 1 } },
    ]);
    await admitAndExecute(crew.runtime, paused.userId, resume);
    expect((await runRow(crew.database, resume.runId)).status).toBe("succeeded");
    const audit = await auditRows(crew.database, paused.turn.threadId);
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: "interrupt.resume_entry_ignored",
        payload: { interrupt_ids: ["interrupt-nobody-raised"] },
      }),
    );
  });

  it("refuses an answer after the interrupt expired: RUN_ERROR INTERRUPT_EXPIRED, the call EXPIRED and audited", async () => {
    const paused = await pauseOn("quick_question", [{ text: "Too late." }]);
    const expiresAt = Date.parse(paused.interrupt.expiresAt ?? "");
    while (Date.now() <= expiresAt + 100) await new Promise((resolve) => setTimeout(resolve, 100));

    const resume = resumeTurn(paused, [
      { interruptId: paused.interrupt.id, status: "resolved", payload: { answer: "yes" } },
    ]);
    await admitAndExecute(crew.runtime, paused.userId, resume);
    const events = await runEvents(crew.runtime, resume.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "INTERRUPT_EXPIRED" });
    const snapshot = (await sessionRow(crew.database, paused.turn.threadId)).stateSnapshot as {
      pending_tool_calls: { status: string }[];
    };
    expect(snapshot.pending_tool_calls.map((call) => call.status)).toEqual(["EXPIRED"]);
    const audit = await auditRows(crew.database, paused.turn.threadId);
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(["tool_call.correlation_error", "tool_call.expired"]),
    );
  });
});
