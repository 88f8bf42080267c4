import { uniqueId } from "./database.js";

/** A minimal AG-UI RunAgentInput for a fresh thread (override any field). */
export function runInput(overrides: Record<string, unknown> = {}) {
  return {
    threadId: uniqueId("thread"),
    runId: uniqueId("run"),
    messages: [{ id: uniqueId("m"), role: "user", content: "hello" }],
    tools: [],
    context: [],
    forwardedProps: {},
    ...overrides,
  };
}
