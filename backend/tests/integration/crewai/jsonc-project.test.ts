import { describe, expect, it } from "vitest";
import { admitAndExecute, firstTurn, messageRows, runRow } from "../../support/crew-runs.js";
import { uniqueId } from "../../support/database.js";
import { useScriptedProject } from "../../support/scripted-project.js";

// CrewAI's JSON-first layout: crew.jsonc (comments, trailing commas, default inputs) and one
// agents/<name>.jsonc per agent.
const project = useScriptedProject("jsonc-crew");

describe("a CrewAI project in the JSON-first layout", () => {
  it("runs its tasks in order with the crew's default inputs and the run's own", async () => {
    const topic = uniqueId("quantum");
    project.agents.script(topic, {
      [`${topic} Senior Data Researcher`]: [{ text: "TEN-POINTS" }],
      [`${topic} Reporting Analyst`]: [{ text: "# Report" }],
    });
    const turn = { ...firstTurn({ text: "Go" }), forwardedProps: { inputs: { topic } } };

    await admitAndExecute(project.runtime, "alice", turn);

    const [research, report] = project.agents.requestsFor(topic);
    expect(research?.system).toContain(`Conduct thorough research on ${topic}. The user asked: Go`);
    expect(report?.system).toContain(`write a report for engineers.`);
    expect(report?.system).toContain("Format your final answer in Markdown.");
    expect(report?.system).toContain("Context from earlier stages:\n- research_task: TEN-POINTS");
    expect((await runRow(project.database, turn.runId)).status).toBe("succeeded");
    expect((await messageRows(project.database, turn.threadId)).at(-1)?.content).toBe("# Report");
  });
});
