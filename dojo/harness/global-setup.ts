// Playwright global setup for the agent-runtime conformance run: starts the dojo's own aimock
// (its fixtures are the scripted model agent-runtime talks to) and nothing else; the dojo's
// test-isolation setup launches a downloaded browser, which this machine does not have.
import { setupLLMock } from "./aimock-setup";

export default async function globalSetup(): Promise<void> {
  await setupLLMock();
}
