import * as client100 from "@ag-ui/client";
import * as client057 from "@ag-ui/client-0057";
import * as client059 from "@ag-ui/client-0059";
import { EventSchema } from "@ag-ui/core/schemas";
import { EventSchemas as EventSchemas057 } from "@ag-ui/core-0057";
import { EventSchemas as EventSchemas059 } from "@ag-ui/core-0059";
import { tokenFor } from "./jwt.js";

/** The parts of an `@ag-ui/client` (any version) these tests use; the versions differ in types only. */
export interface AgentLike {
  threadId: string;
  messages: { id: string; role: string; content?: unknown; toolCalls?: unknown[] }[];
  pendingInterrupts: { id: string; toolCallId?: string }[];
  addMessage(message: Record<string, unknown>): void;
  runAgent(
    parameters?: Record<string, unknown>,
    subscriber?: { onEvent?: (input: { event: { type: string } }) => void },
  ): Promise<{ newMessages: unknown[] }>;
}

interface ClientModule {
  HttpAgent: new (config: {
    url: string;
    headers?: Record<string, string>;
    threadId?: string;
    initialMessages?: unknown[];
    fetch?: (url: string, init: RequestInit) => Promise<Response>;
  }) => AgentLike;
  runHttpRequest: (request: () => Promise<Response>) => unknown;
  transformHttpEventStream: (source: unknown) => {
    pipe: (operator: unknown) => {
      subscribe: (observer: {
        next: (event: { type: string }) => void;
        error: (error: unknown) => void;
        complete: () => void;
      }) => unknown;
    };
  };
  verifyEvents: (debug?: boolean) => unknown;
}

interface EventSchemaLike {
  safeParse(value: unknown): { success: boolean; error?: unknown };
}

/** One `@ag-ui/client` release under test, with its own event schemas. */
export interface ClientVersion {
  version: string;
  /** What CopilotKit ships it with, for test names and the compatibility matrix. */
  usedBy: string;
  module: ClientModule;
  schema: EventSchemaLike;
  /** How a follower on `GET /runs/{id}/events` declares this client's dialect. */
  eventsQuery: string;
}

export const CLIENT_VERSIONS: readonly ClientVersion[] = [
  {
    version: "1.0.0",
    usedBy: "@ag-ui/client 1.0",
    module: client100 as unknown as ClientModule,
    schema: EventSchema,
    eventsQuery: "",
  },
  {
    version: "0.0.59",
    usedBy: "CopilotKit 1.74/1.75",
    module: client059 as unknown as ClientModule,
    schema: EventSchemas059,
    eventsQuery: "?protocolVersion=0.0",
  },
  {
    version: "0.0.57",
    usedBy: "CopilotKit 1.61 (AG-UI dojo)",
    module: client057 as unknown as ClientModule,
    schema: EventSchemas057,
    eventsQuery: "?protocolVersion=0.0",
  },
];

/**
 * A client of one version talking to the api, keeping every SSE body it received (teed off
 * the response it hands to the client), so each event can be checked against that version's
 * own schema as it arrived on the wire.
 */
export class VersionedClient {
  readonly wireBodies: Promise<string>[] = [];

  constructor(
    readonly version: ClientVersion,
    readonly baseUrl: string,
  ) {}

  async agent({
    userId,
    threadId,
    messages = [],
  }: {
    userId: string;
    threadId: string;
    messages?: unknown[];
  }): Promise<AgentLike> {
    return new this.version.module.HttpAgent({
      url: `${this.baseUrl}/api/v1/agent/runs`,
      headers: { authorization: `Bearer ${await tokenFor(userId)}` },
      threadId,
      initialMessages: messages,
      fetch: (url, init) => this.teeFetch(url, init),
    });
  }

  /** One `runAgent`; returns the event types applied, in order. */
  async run(agent: AgentLike, parameters: Record<string, unknown>): Promise<string[]> {
    const types: string[] = [];
    await agent.runAgent(parameters, { onEvent: ({ event }) => void types.push(event.type) });
    return types;
  }

  /** Every event received so far, parsed from the wire. */
  async wireEvents(): Promise<Record<string, unknown>[]> {
    const bodies = await Promise.all(this.wireBodies);
    return bodies.flatMap(parseSseEvents);
  }

  /** Wire events this version's own schema refuses (with why); empty when all are valid. */
  async invalidWireEvents(): Promise<{ event: unknown; error: unknown }[]> {
    return (await this.wireEvents()).flatMap((event) => {
      const parsed = this.version.schema.safeParse(event);
      return parsed.success ? [] : [{ event, error: parsed.error }];
    });
  }

  /** An SSE body (e.g. a stream resumed with GET) through this version's parser and `verifyEvents`. */
  verified(body: string): Promise<{ type: string }[]> {
    const { runHttpRequest, transformHttpEventStream, verifyEvents } = this.version.module;
    const source = transformHttpEventStream(
      runHttpRequest(async () => new Response(body, { headers: SSE_HEADERS })),
    );
    return new Promise((resolve, reject) => {
      const events: { type: string }[] = [];
      source.pipe(verifyEvents()).subscribe({
        next: (event) => void events.push(event),
        error: reject,
        complete: () => resolve(events),
      });
    });
  }

  private async teeFetch(url: string, init: RequestInit): Promise<Response> {
    const response = await fetch(url, init);
    if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) {
      return response;
    }
    const [forClient, forTest] = response.body.tee();
    this.wireBodies.push(new Response(forTest).text());
    return new Response(forClient, { status: response.status, headers: response.headers });
  }
}

const SSE_HEADERS = { "content-type": "text/event-stream" };

/** The JSON of every `data:` frame of an SSE body. */
export function parseSseEvents(body: string): Record<string, unknown>[] {
  return body.split("\n\n").flatMap((frame) =>
    frame
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice("data: ".length)) as Record<string, unknown>),
  );
}
