import type {
  ScriptedOpenAiServer,
  ScriptedRequest,
  ScriptedResponse,
} from "./scripted-openai-server.js";

/** The stages of the shipped `default` workflow. */
export type DefaultWorkflowStage = "intent" | "respond";

/** What the model answers in one stage; a function gets the 1-based call count of that stage. */
export type StageReply = ScriptedResponse | ((call: number) => ScriptedResponse);

export interface TurnScript {
  /** @defaultValue a "question" label */
  intent?: StageReply;
  respond: StageReply;
}

/**
 * Scripts the scripted OpenAI server per user turn: a request belongs to the turn whose marker
 * its latest user message contains, and to the `intent` stage when its system prompt is the
 * intent classifier's (else `respond`). Concurrent runs and retried attempts therefore get the
 * right answer whatever order their requests arrive in.
 */
export class ScriptedStages {
  private readonly turns = new Map<string, TurnScript>();
  private readonly calls = new Map<string, number>();

  constructor(private readonly server: ScriptedOpenAiServer) {
    server.setHandler((request) => this.reply(request));
  }

  /** Answers the turns whose latest user message contains `marker`. */
  script(marker: string, turn: TurnScript): void {
    this.turns.set(marker, turn);
  }

  /** How many requests of `marker`'s turn reached the model in `stage`. */
  callCount(marker: string, stage: DefaultWorkflowStage): number {
    return this.calls.get(`${marker}:${stage}`) ?? 0;
  }

  /** The requests of `marker`'s turn in `stage`, in arrival order. */
  requests(marker: string, stage: DefaultWorkflowStage): ScriptedRequest[] {
    return this.server.requests.filter(
      (request) => latestUserText(request).includes(marker) && stageOf(request) === stage,
    );
  }

  private reply(request: ScriptedRequest): ScriptedResponse | undefined {
    const text = latestUserText(request);
    for (const [marker, turn] of this.turns) {
      if (!text.includes(marker)) continue;
      const stage = stageOf(request);
      const key = `${marker}:${stage}`;
      const call = (this.calls.get(key) ?? 0) + 1;
      this.calls.set(key, call);
      const reply =
        stage === "intent"
          ? (turn.intent ?? { text: "question", usage: INTENT_USAGE })
          : turn.respond;
      return typeof reply === "function" ? reply(call) : reply;
    }
    return undefined;
  }
}

export const INTENT_USAGE = { prompt_tokens: 120, completion_tokens: 3 };

export function stageOf(request: ScriptedRequest): DefaultWorkflowStage {
  const messages = (request.body.messages ?? []) as { role?: string; content?: unknown }[];
  const system = messages.find((message) => message.role === "system");
  return JSON.stringify(system?.content ?? "").includes("Intent classifier") ? "intent" : "respond";
}

function latestUserText(request: ScriptedRequest): string {
  const messages = (request.body.messages ?? []) as { role?: string; content?: unknown }[];
  const user = messages.filter((message) => message.role === "user").at(-1);
  return JSON.stringify(user?.content ?? "");
}
