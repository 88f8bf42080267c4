import { randomUUID } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";

/** Keep-alive sockets shared by every simulated client (enough for the busy mode's burst). */
export const clientAgent = new Agent({ keepAlive: true, maxSockets: 2048 });

export interface RunTiming {
  acceptMs: number;
  firstEventMs: number;
  endToEndMs: number;
}

/** What a POST /runs answered: its status and when; for a 202, the run's stream timings. */
export interface PostOutcome {
  status: number;
  /** POST → response headers. */
  answerMs: number;
  /** 202 only. */
  timing?: RunTiming;
  /** Error code of a refusal (e.g. THREAD_BUSY). */
  errorCode?: string;
}

/** A RunAgentInput for one user turn; a new thread unless `threadId` is given. */
export function userTurn({ workflow, threadId }: { workflow: string; threadId?: string }) {
  return JSON.stringify({
    threadId: threadId ?? `bench-${randomUUID()}`,
    runId: randomUUID(),
    messages: [{ id: randomUUID(), role: "user", content: "Hello! How are you today?" }],
    tools: [],
    context: [],
    forwardedProps: { agent: workflow },
  });
}

/**
 * One POST /runs as an AG-UI client does it: `Accept: text/event-stream`, the SSE body read to
 * the terminal event. node:http with a keep-alive agent, so the numbers are the server's and
 * not a heavyweight client's.
 */
export function postRun({
  baseUrl,
  token,
  body,
}: {
  baseUrl: string;
  token: string;
  body: string;
}): Promise<PostOutcome> {
  const url = new URL("/api/v1/agent/runs", baseUrl);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = httpRequest(
      {
        agent: clientAgent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "text/event-stream",
          "content-length": Buffer.byteLength(body),
        },
      },
      (response) => {
        const answered = performance.now();
        const status = response.statusCode ?? 0;
        let firstEvent = 0;
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (!firstEvent) firstEvent = performance.now();
          text += chunk;
        });
        response.on("end", () => {
          const finished = performance.now();
          if (status !== 202) {
            let errorCode: string | undefined;
            try {
              errorCode = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
            } catch {}
            resolve({
              status,
              answerMs: answered - started,
              ...(errorCode ? { errorCode } : {}),
            });
            return;
          }
          if (!text.includes('"RUN_FINISHED"')) {
            reject(new Error(`run did not finish: ${text.slice(-300)}`));
            return;
          }
          resolve({
            status,
            answerMs: answered - started,
            timing: {
              acceptMs: answered - started,
              firstEventMs: firstEvent - started,
              endToEndMs: finished - started,
            },
          });
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** One run on a new thread that must be accepted and finish. */
export async function oneRun(input: {
  baseUrl: string;
  token: string;
  workflow: string;
}): Promise<RunTiming> {
  const outcome = await postRun({ ...input, body: userTurn({ workflow: input.workflow }) });
  if (!outcome.timing)
    throw new Error(`POST /runs answered ${outcome.status} ${outcome.errorCode ?? ""}`);
  return outcome.timing;
}

/** Opens `count` keep-alive sockets to each base URL first, so a burst measures requests. */
export async function warmSockets(baseUrls: readonly string[], count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, index) => {
      const url = new URL("/healthz", baseUrls[index % baseUrls.length]);
      return new Promise<void>((resolve) => {
        const request = httpRequest(
          { agent: clientAgent, host: url.hostname, port: url.port, path: url.pathname },
          (response) => {
            response.resume();
            response.on("end", () => resolve());
          },
        );
        request.on("error", () => resolve());
        request.end();
      });
    }),
  );
}
