// Written into the dojo copy by dojo/prepare-dojo.mjs (agent-runtime): every integration the
// conformance run targets is a plain HttpAgent pointed at dojo/agui-proxy.mjs, which maps
// `/<feature>` to agent-runtime's POST /api/v1/agent/runs with the feature's workflow.
import "server-only";
import { type AbstractAgent, HttpAgent } from "@ag-ui/client";

const proxy = process.env.AGENT_RUNTIME_PROXY_URL ?? "http://127.0.0.1:8790";

function features(paths: Record<string, string>): Record<string, AbstractAgent> {
  return Object.fromEntries(
    Object.entries(paths).map(([feature, path]) => [
      feature,
      new HttpAgent({ url: `${proxy}/${path}` }),
    ]),
  );
}

const ALL = {
  agentic_chat: "agentic_chat",
  backend_tool_rendering: "backend_tool_rendering",
  human_in_the_loop: "human_in_the_loop",
  agentic_generative_ui: "agentic_generative_ui",
  tool_based_generative_ui: "tool_based_generative_ui",
  shared_state: "shared_state",
  predictive_state_updates: "predictive_state_updates",
  interrupt: "interrupt",
};

export const ADK_A2UI_INJECT_AGENTS: string[] = [];
export const STRANDS_A2UI_INJECT_AGENTS: string[] = [];
export const CREWAI_A2UI_INJECT_AGENTS: string[] = [];

// The dojo's route looks integrations up by id; `next dev` does not type-check this file.
export const agentsIntegrations: Record<string, () => Promise<Record<string, AbstractAgent>>> = {
  "server-starter": async () => features({ agentic_chat: "agentic_chat" }),
  "server-starter-all-features": async () => features(ALL),
  "ag-ui-dotnet": async () => features(ALL),
  "claude-agent-sdk-python": async () => features(ALL),
  "claude-agent-sdk-typescript": async () => features(ALL),
  mastra: async () => features(ALL),
};
