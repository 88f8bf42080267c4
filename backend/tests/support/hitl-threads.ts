import type { HttpAgent } from "@ag-ui/client";
import { type BaseEvent, EventType, type Interrupt, type RunFinishedEvent } from "@ag-ui/core";
import { uniqueId } from "./database.js";
import { eventsOf } from "./hitl-client.js";
import type { HitlEnvironment } from "./hitl-environment.js";
import {
  newToolCallId,
  PICK_COLOR_TOOL,
  pickColorCall,
  SINGLE_STAGE,
  transferCall,
} from "./hitl-tools.js";
import type { ScriptedResponse } from "./scripted-openai-server.js";

/** A thread whose first run (driven by HttpAgent) paused on one tool call. */
export interface PausedThread {
  userId: string;
  threadId: string;
  /** The scripted conversation's tag and its user-text helper. */
  tag: string;
  say: (text: string) => string;
  callId: string;
  userMessageId: string;
  agent: HttpAgent;
  firstRunId: string;
  events: BaseEvent[];
}

export interface PausedApproval extends PausedThread {
  interrupt: Interrupt;
}

async function pause({
  env,
  firstStep,
  callId,
  followUps,
  text,
  tools,
}: {
  env: HitlEnvironment;
  firstStep: ScriptedResponse;
  callId: string;
  followUps: ScriptedResponse[];
  text: string;
  tools: (typeof PICK_COLOR_TOOL)[];
}): Promise<PausedThread> {
  const userId = uniqueId("user");
  const threadId = uniqueId("thread");
  const { tag, say } = env.conversations.newConversation();
  env.conversations.script(tag, firstStep, ...followUps);
  const userMessageId = uniqueId("msg");
  const agent = await env.client.agent({
    userId,
    threadId,
    messages: [{ id: userMessageId, role: "user", content: say(text) }],
  });
  const firstRunId = uniqueId("run");
  const events = await env.client.run(agent, {
    runId: firstRunId,
    tools,
    forwardedProps: SINGLE_STAGE,
  });
  return { userId, threadId, tag, say, callId, userMessageId, agent, firstRunId, events };
}

/** Run 1 calls `srv.transfer_funds` and ends with the approval interrupt. */
export async function pauseOnTransfer(
  env: HitlEnvironment,
  followUps: ScriptedResponse[] = [],
): Promise<PausedApproval> {
  const callId = newToolCallId();
  const paused = await pause({
    env,
    firstStep: { toolCalls: [transferCall(callId)] },
    callId,
    followUps,
    text: "Send 25 EUR to my landlord",
    tools: [],
  });
  const [finished] = eventsOf<RunFinishedEvent>(paused.events, EventType.RUN_FINISHED);
  const outcome = finished?.outcome;
  if (outcome?.type !== "interrupt") {
    throw new Error(`run 1 did not interrupt: ${paused.events.map((event) => event.type)}`);
  }
  const [interrupt] = outcome.interrupts;
  if (!interrupt) throw new Error("run 1 interrupted without an interrupt");
  return { ...paused, interrupt };
}

/** Run 1 calls the client's `ui.pick_color` and ends with it in `pendingToolCallIds`. */
export function pauseOnFrontendCall(
  env: HitlEnvironment,
  followUps: ScriptedResponse[] = [],
): Promise<PausedThread> {
  const callId = newToolCallId();
  return pause({
    env,
    firstStep: { toolCalls: [pickColorCall(callId)] },
    callId,
    followUps,
    text: "Let me pick a colour",
    tools: [PICK_COLOR_TOOL],
  });
}
