import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemAgents } from "../../../../src/models/index.js";
import { connectTestDatabase, uniqueId } from "../../../support/database.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;
const database = connectTestDatabase(2);

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
});
afterAll(async () => {
  await runtime.close();
  await database.close();
});

async function agentTypes(): Promise<string[]> {
  const response = await runtime.app.inject({
    method: "GET",
    url: "/api/v1/agent/agents",
    headers: await authHeaders("alice"),
  });
  return response.json().agents.map((agent: { agent_type: string }) => agent.agent_type);
}

async function eventually(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("system_agents changes reach a running process without a restart", () => {
  // A new agent type no workflow uses, so tests running alongside see no difference.
  it("an inserted row appears in the resolved config (LISTEN/NOTIFY), and disappears once disabled", async () => {
    const agentType = uniqueId("probe-agent");
    expect(await agentTypes()).not.toContain(agentType);
    const [row] = await database.db
      .insert(systemAgents)
      .values({
        agentType,
        role: "Probe",
        goal: "Be found",
        backstory: "Inserted by a test",
        enabled: true,
      })
      .returning();
    await eventually(async () => (await agentTypes()).includes(agentType), "the reload");
    await database.db
      .update(systemAgents)
      .set({ enabled: false })
      .where(eq(systemAgents.id, row?.id as string));
    await eventually(async () => !(await agentTypes()).includes(agentType), "the second reload");
    await database.db.delete(systemAgents).where(eq(systemAgents.id, row?.id as string));
  });
});
