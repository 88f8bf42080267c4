import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInput } from "../../../support/agent-requests.js";
import { InProcessRuntime } from "../../../support/in-process-runtime.js";
import { authHeaders } from "../../../support/jwt.js";

let runtime: InProcessRuntime;
let baseUrl: string;

beforeAll(async () => {
  runtime = await InProcessRuntime.start();
  baseUrl = await runtime.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => runtime.close());

/** Reads SSE frames until `predicate` holds for the text so far, then stops reading. */
async function readUntil(
  response: Response,
  predicate: (text: string) => boolean,
): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!predicate(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe("POST /runs with Accept: text/event-stream", () => {
  it("test_run_endpoint_returns_sse_and_not_blocking: answers 202 text/event-stream before the run finishes; the api does not run the crew", async () => {
    // No worker runs in this process: whatever the api streams, it did not execute the run.
    const input = runInput();
    const response = await fetch(`${baseUrl}/api/v1/agent/runs`, {
      method: "POST",
      headers: {
        ...(await authHeaders("alice")),
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify(input),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await readUntil(response, (sofar) => sofar.includes("\n\n"));
    const frame = text.split("\n\n")[0] ?? "";
    // Sent as soon as the run is recorded, with the id it has in the run's stream.
    expect(frame).toMatch(/^id: 0-1:0\ndata: /);
    expect(JSON.parse(frame.split("data: ")[1] ?? "{}")).toEqual({
      type: "RUN_STARTED",
      threadId: input.threadId,
      runId: input.runId,
      protocolVersion: "1.0",
    });

    const run = await runtime.app.inject({
      method: "GET",
      url: `/api/v1/agent/runs/${input.runId}`,
      headers: await authHeaders("alice"),
    });
    expect(run.json()).toMatchObject({ status: "queued", started_at: null });
    const events = await runtime.root.events.readAll(input.runId);
    expect(events.map((event) => JSON.parse(event.data).type)).toEqual(["RUN_STARTED"]);
  });

  it("streams the rest of the run once a worker executes it, ending with the terminal event", async () => {
    const input = runInput();
    const response = await fetch(`${baseUrl}/api/v1/agent/runs`, {
      method: "POST",
      headers: {
        ...(await authHeaders("alice")),
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify(input),
    });
    const reading = readUntil(response, (sofar) => sofar.includes('"RUN_FINISHED"'));
    await runtime.executeJob(input.runId);
    const text = await reading;
    const types = text
      .split("\n\n")
      .filter((frame) => frame.includes("data: "))
      .map((frame) => JSON.parse(frame.split("data: ")[1] ?? "{}").type);
    expect(types[0]).toBe("RUN_STARTED");
    expect(types).toContain("TEXT_MESSAGE_CONTENT");
    expect(types.at(-1)).toBe("RUN_FINISHED");
  });

  it("replays a finished run's events from GET /runs/{id}/events, also after Last-Event-ID", async () => {
    const input = runInput();
    const headers = await authHeaders("alice");
    await runtime.app.inject({
      method: "POST",
      url: "/api/v1/agent/runs",
      headers,
      payload: input,
    });
    await runtime.executeJob(input.runId);
    const all = await fetch(`${baseUrl}/api/v1/agent/runs/${input.runId}/events`, { headers });
    expect(all.status).toBe(200);
    const full = await readUntil(all, (sofar) => sofar.includes('"RUN_FINISHED"'));
    const frames = full.split("\n\n").filter((frame) => frame.startsWith("id: "));
    const middle = frames[Math.floor(frames.length / 2)]?.split("\n")[0]?.slice(4) ?? "";
    const rest = await fetch(`${baseUrl}/api/v1/agent/runs/${input.runId}/events`, {
      headers: { ...headers, "last-event-id": middle },
    });
    const tail = (await readUntil(rest, (sofar) => sofar.includes('"RUN_FINISHED"')))
      .split("\n\n")
      .filter((frame) => frame.startsWith("id: "));
    expect(tail).toEqual(
      frames.slice(
        frames.indexOf(frames.find((frame) => frame.startsWith(`id: ${middle}\n`)) as string) + 1,
      ),
    );
  });
});
