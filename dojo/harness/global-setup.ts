// Playwright global setup for the agent-runtime conformance run: starts the dojo's own aimock
// (its fixtures are the scripted model agent-runtime talks to). The dojo's test-isolation setup
// is not used: it launches a downloaded browser, which this machine does not have.
//
// One fixture is dropped: aimock answers CrewAI's internal `crew.kickoff()` call (a
// "Thought: … Final Answer: …" text), recognised by CrewAI's agent prompt "Your personal goal
// is". agent-runtime builds its prompts in CrewAI's format too, so that fixture would answer
// every request of this run; agent-runtime never makes a kickoff call.
import { getMockServer, setupLLMock } from "./aimock-setup";

export default async function globalSetup(): Promise<void> {
  await setupLLMock();
  const fixtures = getMockServer()?.getFixtures() ?? [];
  const kickoff = fixtures.findIndex((fixture) => {
    const response = fixture.response as { content?: unknown };
    return (
      typeof response?.content === "string" &&
      response.content.startsWith("Thought: I now can give a great answer")
    );
  });
  if (kickoff >= 0) fixtures.splice(kickoff, 1);
  console.log(
    `agent-runtime: ${kickoff >= 0 ? "dropped" : "did not find"} aimock's CrewAI kickoff fixture`,
  );
}
