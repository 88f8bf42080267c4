import { randomUUID } from "node:crypto";
import type {
  ScriptedOpenAiServer,
  ScriptedRequest,
  ScriptedResponse,
} from "./scripted-openai-server.js";

/** One message of a chat-completions request, as the provider adapter sent it. */
export interface SentMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

const TAG = /\[hitl:([^\]]+)\]/;

/**
 * Routes the scripted model's answers per conversation, so tests sharing one scripted server
 * (and one api/worker pair) never take each other's responses: every conversation's user text
 * carries a tag (`[hitl:<id>]`), and each tag has its own FIFO of responses and its own list
 * of received requests. A request whose tag has nothing left gets the server's 400.
 */
export class ScriptedConversations {
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private readonly received = new Map<string, ScriptedRequest[]>();

  constructor(server: ScriptedOpenAiServer) {
    server.setHandler((request) => this.answer(request));
  }

  /** A fresh conversation tag and a helper that puts it into user text. */
  newConversation(): { tag: string; say: (text: string) => string } {
    const tag = randomUUID();
    return { tag, say: (text) => `[hitl:${tag}] ${text}` };
  }

  /** Appends responses to the conversation's script. */
  script(tag: string, ...responses: ScriptedResponse[]): void {
    this.scripts.set(tag, [...(this.scripts.get(tag) ?? []), ...responses]);
  }

  /** Every model request of the conversation, in order. */
  requests(tag: string): readonly ScriptedRequest[] {
    return this.received.get(tag) ?? [];
  }

  /** The conversation's `index`-th model request (0-based); fails if it never came. */
  request(tag: string, index: number): ScriptedRequest {
    const request = this.requests(tag)[index];
    if (!request) {
      throw new Error(`conversation ${tag} has ${this.requests(tag).length} model requests`);
    }
    return request;
  }

  private answer(request: ScriptedRequest): ScriptedResponse | undefined {
    const tag = tagOf(request);
    if (tag === undefined) return undefined;
    this.received.set(tag, [...(this.received.get(tag) ?? []), request]);
    return this.scripts.get(tag)?.shift();
  }
}

export function sentMessages(request: ScriptedRequest): SentMessage[] {
  const messages = request.body.messages;
  return Array.isArray(messages) ? (messages as SentMessage[]) : [];
}

/** The text of a sent message, whether its content is a string or text parts. */
export function sentText(message: SentMessage): string {
  if (typeof message.content === "string") return message.content;
  if (!Array.isArray(message.content)) return "";
  return message.content
    .map((part) => {
      const candidate = part as { type?: unknown; text?: unknown };
      return candidate.type === "text" && typeof candidate.text === "string" ? candidate.text : "";
    })
    .join("");
}

/** The `role: "tool"` messages a request carried (what the model was told about tool calls). */
export function sentToolResults(
  request: ScriptedRequest,
): { toolCallId: string; content: string }[] {
  return sentMessages(request)
    .filter((message) => message.role === "tool")
    .map((message) => ({ toolCallId: message.tool_call_id ?? "", content: sentText(message) }));
}

/** The provider function names a request offered the model. */
export function offeredFunctionNames(request: ScriptedRequest): string[] {
  const tools = request.body.tools;
  if (!Array.isArray(tools)) return [];
  return tools.map((tool) => String((tool as { function?: { name?: unknown } }).function?.name));
}

function tagOf(request: ScriptedRequest): string | undefined {
  for (const message of sentMessages(request)) {
    if (message.role !== "user") continue;
    const match = TAG.exec(sentText(message));
    if (match?.[1]) return match[1];
  }
  return undefined;
}
