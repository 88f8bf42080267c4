import { describe, expect, it } from "vitest";
import {
  admitAndExecute,
  admitRun,
  firstTurn,
  messageRows,
  runEvents,
  runRow,
  sessionRow,
} from "../../support/crew-runs.js";
import { uniqueId } from "../../support/database.js";
import { authHeaders } from "../../support/jwt.js";
import { useScriptedProject } from "../../support/scripted-project.js";

// crewAI-examples' game-builder-crew as it is: three agents, tasks.yaml names none of them, no
// workflow.yaml; placeholders in agents and tasks; evaluate_task takes context from code_task
// only, skipping the review in between.
const project = useScriptedProject("game-builder-crew");

const ROLES = {
  engineer: "Senior Software Engineer for Python games",
  qa: "Software Quality Control Engineer",
  chief: "Chief Software Quality Control Engineer",
};

function turnWithInputs(inputs: Record<string, unknown>, text = "Make it fun") {
  const turn = firstTurn({ text });
  return { ...turn, forwardedProps: { inputs } };
}

describe("a CrewAI project whose tasks name no agent and that has no workflow.yaml", () => {
  it("runs each task with the agent at its position, the inputs filled in every prompt", async () => {
    const game = `${uniqueId("snake")}: a snake game where the snake grows`;
    project.agents.script(game, {
      [ROLES.engineer]: [{ text: "print('v1')" }],
      [ROLES.qa]: [{ text: "print('v2')" }],
      [ROLES.chief]: [{ text: "print('final')" }],
    });
    const turn = turnWithInputs({ game_language: "Python", game, unused_extra: "ignored" });

    await admitAndExecute(project.runtime, "alice", turn);

    const requests = project.agents.requestsFor(game);
    expect(requests.map((request) => request.role)).toEqual([
      ROLES.engineer,
      ROLES.qa,
      ROLES.chief,
    ]);
    const [code, review, evaluate] = requests.map((request) => request.system);
    expect(code).toContain(`Instructions ------------ ${game}`);
    expect(code).toContain("The player asked: Make it fun");
    expect(code).toContain("Expected output: Your Final answer must be the full Python code");
    expect(code).toContain("Your personal goal is: Create software as needed for the");
    // Without context: every earlier task's output (CrewAI's default).
    expect(review).toContain("Context from earlier stages:\n- code_task: print('v1')");
    // context: [code_task] reaches back past the review.
    expect(evaluate).toContain("Context from earlier stages:\n- code_task: print('v1')");
    expect(evaluate).not.toContain("print('v2')");
    expect(evaluate).toContain(`as of ${new Date().getUTCFullYear()}.`);
    for (const system of [code, review, evaluate]) {
      expect(system).not.toMatch(/\{(game|game_language|current_year|message)\}/);
    }

    expect((await runRow(project.database, turn.runId)).status).toBe("succeeded");
    const messages = await messageRows(project.database, turn.threadId);
    expect(messages.map((message) => [message.role, message.content])).toEqual([
      ["user", "Make it fun"],
      ["assistant", "print('final')"],
    ]);
    // Extra inputs are ignored: the run keeps only what its placeholders use.
    const snapshot = (await sessionRow(project.database, turn.threadId)).stateSnapshot as {
      run: { inputs?: Record<string, string> };
    };
    expect(snapshot.run.inputs).toEqual({ game_language: "Python", game });
  });

  it("refuses a run without a required input with 400 INPUT_MISSING naming it, before any model call", async () => {
    const marker = uniqueId("missing");
    const before = project.server.requests.length;

    const response = await project.runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("alice"),
      payload: turnWithInputs({ game_language: "Python" }, marker),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "INPUT_MISSING",
      details: { inputs: ["game"], field: "forwardedProps.inputs" },
    });
    expect(response.json().error.message).toContain('"game"');
    expect(project.server.requests.length).toBe(before);
  });

  it("refuses inputs that are not an object, or that Postgres could not store, naming the field", async () => {
    const post = async (inputs: unknown) =>
      project.runtime.app.inject({
        method: "POST",
        url: "/api/v1/agent/runs",
        headers: await authHeaders("alice"),
        payload: { ...firstTurn({ text: "x" }), forwardedProps: { inputs } },
      });

    const notObject = await post(["Python"]);
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().error.code).toBe("VALIDATION_ERROR");
    expect(notObject.body).toContain("forwardedProps.inputs");

    const nul = await post({ game_language: "Py\u0000thon", game: "g" });
    expect(nul.statusCode).toBe(400);
    expect(nul.body).toContain("forwardedProps.inputs.game_language");
  });

  it("takes inputs from the AG-UI state too, forwardedProps.inputs winning over it", async () => {
    const game = `${uniqueId("pong")}: pong`;
    project.agents.script(game, {
      [ROLES.engineer]: [{ text: "a" }],
      [ROLES.qa]: [{ text: "b" }],
      [ROLES.chief]: [{ text: "c" }],
    });
    const turn = {
      ...turnWithInputs({ game_language: "Python" }),
      state: { game, game_language: "Rust", score: 3 },
    };

    await admitAndExecute(project.runtime, "alice", turn);

    const [code] = project.agents.requestsFor(game);
    expect(code?.system).toContain(`Instructions ------------ ${game}`);
    expect(code?.system).toContain("Senior Software Engineer for Python games");
    expect((await runRow(project.database, turn.runId)).status).toBe("succeeded");
  });

  it("fails the run with INPUT_MISSING, never calling the model, when the worker finds a placeholder unfilled", async () => {
    // What the api checked no longer holds when the worker starts (here: the queued job lost
    // an input); the worker checks again before each stage and never sends "{game}".
    const marker = uniqueId("late");
    const turn = turnWithInputs({ game_language: "Python", game: marker });
    await admitRun(project.runtime, "alice", turn);
    const job = await project.runtime.root.queue.queue.getJob(turn.runId);
    await job?.updateData({ ...job.data, inputs: { game_language: "Python" } });

    await project.runtime.executeJob(turn.runId);

    const events = await runEvents(project.runtime, turn.runId);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "INPUT_MISSING" });
    expect(String(events.at(-1)?.message)).toContain('"game"');
    expect(await runRow(project.database, turn.runId)).toMatchObject({
      status: "failed",
      errorCode: "INPUT_MISSING",
    });
    expect(project.agents.requestsFor(marker)).toEqual([]);
    expect(
      project.server.requests.some((request) => JSON.stringify(request.body).includes("{game}")),
    ).toBe(false);
  });
});
