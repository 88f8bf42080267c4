import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../../src/core/agent/infrastructure/persistence/database.js";
import { connectTestDatabase } from "./database.js";
import { InProcessRuntime } from "./in-process-runtime.js";
import {
  type ScriptedOpenAiServer,
  type ScriptedRequest,
  type ScriptedResponse,
  startScriptedOpenAiServer,
} from "./scripted-openai-server.js";
import { scriptedDeepseek } from "./test-settings.js";

export function crewaiFixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/crewai/${name}`, import.meta.url));
}

/** A request the scripted model received, with the agent role its system prompt starts with. */
export interface AgentRequest {
  role: string;
  system: string;
  body: Record<string, unknown>;
}

/**
 * Answers a CrewAI project's model requests by conversation and agent: a request belongs to the
 * script whose marker its messages or system prompt contain (put the marker in the user's text
 * or an input), and to the agent whose role its system prompt names (`You are <role>`). A
 * request no script answers gets the server's 400, which fails the run visibly.
 */
export class ScriptedAgents {
  private readonly scripts = new Map<string, Map<string, ScriptedResponse[]>>();

  constructor(private readonly server: ScriptedOpenAiServer) {
    server.setHandler((request) => this.answer(request));
  }

  /** `responses` by a fragment of the agent's role (e.g. "Senior Software Engineer"). */
  script(marker: string, responses: Record<string, ScriptedResponse[]>): void {
    const script = this.scripts.get(marker) ?? new Map<string, ScriptedResponse[]>();
    for (const [role, queue] of Object.entries(responses)) {
      script.set(role, [...(script.get(role) ?? []), ...queue]);
    }
    this.scripts.set(marker, script);
  }

  /** The requests of one conversation, in order. */
  requestsFor(marker: string): AgentRequest[] {
    return this.server.requests
      .filter((request) => JSON.stringify(request.body).includes(marker))
      .map((request) => ({
        role: roleOf(request),
        system: agentPromptOf(request.body),
        body: request.body,
      }));
  }

  private answer(request: ScriptedRequest): ScriptedResponse | undefined {
    const text = JSON.stringify(request.body);
    const system = agentPromptOf(request.body);
    for (const [marker, script] of this.scripts) {
      if (!text.includes(marker)) continue;
      for (const [role, queue] of script) {
        if (system.startsWith(`You are ${role}`)) {
          return queue.shift();
        }
      }
    }
    return undefined;
  }
}

/**
 * The agent's system prompt: providers may add system messages of their own (DeepSeek puts the
 * response schema in one before ours), so it is the one that introduces the agent.
 */
export function agentPromptOf(body: Record<string, unknown>): string {
  const wire = (body.messages ?? []) as { role: string; content: unknown }[];
  const prompts = wire
    .filter((message) => message.role === "system" && typeof message.content === "string")
    .map((message) => message.content as string);
  return prompts.find((prompt) => prompt.startsWith("You are ")) ?? prompts[0] ?? "";
}

function roleOf(request: { body: Record<string, unknown> }): string {
  const match = /^You are (.*?)\.(?: |$)/m.exec(agentPromptOf(request.body));
  return match?.[1] ?? "";
}

export interface ScriptedProject {
  server: ScriptedOpenAiServer;
  agents: ScriptedAgents;
  runtime: InProcessRuntime;
  database: DatabaseHandle;
}

/**
 * Registers the file's `beforeAll`/`afterAll`: a scripted OpenAI-compatible server, the
 * in-process runtime loading the CrewAI fixture project `fixture` (its model is the scripted
 * server, as deepseek), and a small database pool for assertions.
 */
export function useScriptedProject(
  fixture: string,
  extra: Record<string, string> = {},
): ScriptedProject {
  const project: Partial<ScriptedProject> = {};
  beforeAll(async () => {
    project.server = await startScriptedOpenAiServer();
    project.agents = new ScriptedAgents(project.server);
    project.runtime = await InProcessRuntime.start({
      ...scriptedDeepseek(project.server.baseUrl),
      SOCIAL_RUNTIME__CONFIG_DIR: crewaiFixture(fixture),
      ...extra,
    });
    project.database = connectTestDatabase(2);
  });
  afterAll(async () => {
    await project.runtime?.close();
    await project.server?.close();
    await project.database?.close();
  });
  // The fields are read only inside tests, after beforeAll has filled them in.
  return project as ScriptedProject;
}
