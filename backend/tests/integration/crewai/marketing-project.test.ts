import { describe, expect, it } from "vitest";
import {
  admitAndExecute,
  firstTurn,
  messageRows,
  runEvents,
  runRow,
  sessionRow,
  wireMessages,
} from "../../support/crew-runs.js";
import { uniqueId } from "../../support/database.js";
import { authHeaders } from "../../support/jwt.js";
import { useScriptedProject } from "../../support/scripted-project.js";

// crewAI-examples' marketing_strategy as it is: four agents for five tasks, tasks.yaml names no
// agent, so workflow.yaml says which agent runs each stage; campaign_idea_task has an
// output_json schema; copy_creation_task takes context from two non-adjacent tasks.
const project = useScriptedProject("marketing-crew");

const ROLES = {
  analyst: "Lead Market Analyst",
  strategist: "Chief Marketing Strategist",
  creator: "Creative Content Creator",
};
const CAMPAIGNS = { campaigns: [{ name: "Spring", description: "A spring sale" }] };

function turn({ marker, agent }: { marker: string; agent?: string }) {
  return {
    ...firstTurn({ text: `Write the copies ${marker}` }),
    forwardedProps: {
      ...(agent ? { agent } : {}),
      inputs: { customer_domain: "crewai.com", project_description: `Launch ${marker}` },
    },
  };
}

describe("a CrewAI project whose workflow.yaml names each stage's agent", () => {
  it("runs five stages with their agents, checks the JSON answer and passes context across non-adjacent tasks", async () => {
    const marker = uniqueId("launch");
    project.agents.script(marker, {
      [ROLES.analyst]: [{ text: "RESEARCH-REPORT" }],
      [ROLES.strategist]: [{ text: "PROJECT-SUMMARY" }, { text: "STRATEGY-DOC" }],
      [ROLES.creator]: [
        // Not valid against the schema: the model is asked once more, with the reasons.
        { text: '{"campaigns": []}' },
        { text: `\`\`\`json\n${JSON.stringify(CAMPAIGNS, null, 2)}\n\`\`\`` },
        { text: "COPY-TEXT" },
      ],
    });
    const input = turn({ marker });

    await admitAndExecute(project.runtime, "alice", input);

    const requests = project.agents.requestsFor(marker);
    expect(requests.map((request) => request.role)).toEqual([
      ROLES.analyst,
      ROLES.strategist,
      ROLES.strategist,
      ROLES.creator,
      ROLES.creator,
      ROLES.creator,
    ]);
    const [research, understanding, , campaigns, correction, copy] = requests;
    expect(research?.system).toContain("in the context of crewai.com. Project: Launch");
    // The workflow's default fills {audience} in the strategist's goal.
    expect(understanding?.system).toContain("marketing strategies for small businesses.");
    // The structured stage: the schema is in the prompt and asked of the provider.
    expect(campaigns?.system).toContain("valid against this JSON Schema");
    expect(campaigns?.body.response_format).toEqual({ type: "json_object" });
    expect(wireMessages(correction?.body).at(-1)?.content).toContain(
      "campaigns: must NOT have fewer than 1 items",
    );
    // copy_creation_task: context from marketing_strategy_task and campaigns only.
    expect(copy?.system).toContain(
      `Context from earlier stages:\n- marketing_strategy_task: STRATEGY-DOC\n- campaigns: ${JSON.stringify(CAMPAIGNS)}`,
    );
    expect(copy?.system).not.toContain("RESEARCH-REPORT");
    expect(copy?.system).not.toContain("PROJECT-SUMMARY");
    expect(copy?.system).toContain(`The user said: Write the copies ${marker}`);

    expect((await runRow(project.database, input.runId)).status).toBe("succeeded");
    const snapshot = (await sessionRow(project.database, input.threadId)).stateSnapshot as {
      stages: Record<string, { output: string }>;
    };
    expect(snapshot.stages.campaigns?.output).toBe(JSON.stringify(CAMPAIGNS));
  });

  it("streams a structured chat answer as one checked message and stores it with the message", async () => {
    const marker = uniqueId("json-chat");
    project.agents.script(marker, {
      [ROLES.creator]: [
        { text: "Here are ideas: Spring sale" },
        { text: JSON.stringify(CAMPAIGNS) },
      ],
    });
    const input = turn({ marker, agent: "campaigns_only" });

    await admitAndExecute(project.runtime, "alice", input);

    const events = await runEvents(project.runtime, input.runId);
    const content = events.filter((event) => event.type === "TEXT_MESSAGE_CONTENT");
    // The refused first answer was never shown.
    expect(content.map((event) => event.delta)).toEqual([JSON.stringify(CAMPAIGNS)]);
    expect(events.at(-1)).toMatchObject({ type: "RUN_FINISHED", outcome: { type: "success" } });
    const messages = await messageRows(project.database, input.threadId);
    expect(messages.at(-1)).toMatchObject({
      role: "assistant",
      content: JSON.stringify(CAMPAIGNS),
    });
    expect(JSON.parse(messages.at(-1)?.content ?? "")).toEqual(CAMPAIGNS);
  });

  it("fails the run with OUTPUT_INVALID when the answer is still invalid after the corrections", async () => {
    const marker = uniqueId("never-json");
    project.agents.script(marker, {
      [ROLES.creator]: [{ text: "no" }, { text: '{"campaigns": "x"}' }, { text: "still no" }],
    });
    const input = turn({ marker, agent: "campaigns_only" });

    await admitAndExecute(project.runtime, "alice", input);

    expect(project.agents.requestsFor(marker)).toHaveLength(3);
    const events = await runEvents(project.runtime, input.runId);
    expect(events.some((event) => event.type === "TEXT_MESSAGE_CONTENT")).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "OUTPUT_INVALID" });
    expect(await runRow(project.database, input.runId)).toMatchObject({
      status: "failed",
      errorCode: "OUTPUT_INVALID",
    });
    const messages = await messageRows(project.database, input.threadId);
    expect(messages.map((message) => message.role)).toEqual(["user"]);
  });

  it("lists each workflow's inputs on /agents, so a client can build a form", async () => {
    const response = await project.runtime.app.inject({
      method: "GET",
      url: "/api/v1/agent/agents",
      headers: await authHeaders("alice"),
    });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.default_workflow).toBe("marketing");
    const marketing = body.workflows.find(
      (workflow: { name: string }) => workflow.name === "marketing",
    );
    expect(marketing).toMatchObject({
      process: "sequential",
      inputs: [
        { name: "customer_domain", required: true },
        { name: "project_description", required: true },
        { name: "audience", required: false, default: "small businesses" },
      ],
    });
    expect(marketing.stages[3]).toMatchObject({
      name: "campaigns",
      agent: "creative_content_creator",
      human_input: false,
      output_schema: { type: "object", required: ["campaigns"] },
    });
  });

  it("checks the inputs of the thread's workflow, not of the default one", async () => {
    const response = await project.runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers: await authHeaders("alice"),
      payload: {
        ...firstTurn({ text: "hi" }),
        forwardedProps: { agent: "campaigns_only", inputs: {} },
      },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.inputs).toEqual(["project_description"]);
  });
});
