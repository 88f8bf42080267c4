import { beforeAll, describe, expect, it } from "vitest";
import { parseAgUiFrames, verifyAgUiEvents } from "../../support/agui-stream-checks.js";
import { uniqueId } from "../../support/database.js";
import { RunApiClient, runInput } from "../../support/run-api-client.js";
import { useScriptedServices } from "../../support/scripted-services.js";
import { frameType, readRunFrames, type SseFrame } from "../../support/sse-event-reader.js";

/** A slow answer: 30 text chunks, 100 ms apart, so a client can drop out mid-message. */
const SLOW_CHUNKS = Array.from({ length: 30 }, (_, index) => `part${index} `);

const harness = useScriptedServices();
let client: RunApiClient;

beforeAll(async () => {
  client = RunApiClient.forUser(harness.services.baseUrl, uniqueId("user"));
}, 60_000);

/** Starts a run (slow unless `chunkDelayMs` says otherwise) with the POST's own event stream. */
async function startRun({
  signal,
  chunkDelayMs = 100,
}: {
  signal?: AbortSignal;
  chunkDelayMs?: number;
} = {}): Promise<{ runId: string; response: Response }> {
  const marker = uniqueId("slow");
  harness.stages.script(marker, { respond: { text: SLOW_CHUNKS, chunkDelayMs } });
  const input = runInput({ text: `Tell me a long story ${marker}` });
  const response = await client.request("/runs", {
    body: input,
    headers: { accept: "text/event-stream" },
    ...(signal ? { signal } : {}),
  });
  return { runId: input.runId, response };
}

function lastId(frames: readonly SseFrame[]): string {
  const id = frames.at(-1)?.id;
  if (!id) throw new Error("the last frame has no id");
  return id;
}

/** Reads the whole stream from the start once the run has ended (the uninterrupted view). */
async function fullStream(runId: string): Promise<SseFrame[]> {
  await client.waitForRun(runId);
  const { frames, ended } = await readRunFrames({ response: await client.openEvents(runId) });
  expect(ended).toBe(true);
  return frames;
}

describe("reconnecting to a run's event stream", () => {
  it("continues after Last-Event-ID and ?after= with no gap and no duplicate", async () => {
    const firstConnection = new AbortController();
    const { runId, response } = await startRun({ signal: firstConnection.signal });
    expect(response.status).toBe(202);

    // RUN_STARTED, two steps' events, TEXT_MESSAGE_START and a few deltas, then the client drops.
    const first = await readRunFrames({ response, limit: 8, abort: firstConnection });
    expect(first.ended).toBe(false);
    expect(first.frames.map(frameType)).toContain("TEXT_MESSAGE_CONTENT");

    const secondConnection = new AbortController();
    const second = await readRunFrames({
      response: await client.openEvents(runId, {
        lastEventId: lastId(first.frames),
        signal: secondConnection.signal,
      }),
      limit: 6,
      abort: secondConnection,
    });
    expect(second.ended).toBe(false);

    const third = await readRunFrames({
      response: await client.openEvents(runId, { after: lastId(second.frames) }),
    });
    expect(third.ended).toBe(true);

    const joined = [...first.frames, ...second.frames, ...third.frames];
    const uninterrupted = await fullStream(runId);
    expect(joined).toEqual(uninterrupted);
    const ids = joined.map((frame) => frame.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => typeof id === "string" && /^\d+-\d+:\d+$/.test(id))).toBe(true);
    await verifyAgUiEvents(parseAgUiFrames(joined));
  });

  it("replays exactly the rest of the run when reconnecting after it ended", async () => {
    const { runId, response } = await startRun({ chunkDelayMs: 0 });
    await readRunFrames({ response });
    const uninterrupted = await fullStream(runId);
    const cut = 5;
    const rest = await readRunFrames({
      response: await client.openEvents(runId, {
        lastEventId: uninterrupted[cut - 1]?.id as string,
      }),
    });
    expect(rest.ended).toBe(true);
    expect([...uninterrupted.slice(0, cut), ...rest.frames]).toEqual(uninterrupted);
  });

  it("ends the stream instead of waiting forever when reconnecting after the terminal event", async () => {
    const { runId, response } = await startRun({ chunkDelayMs: 0 });
    await readRunFrames({ response });
    const uninterrupted = await fullStream(runId);
    const connection = new AbortController();
    const deadline = setTimeout(() => connection.abort(), 5_000);
    try {
      const reconnect = await client.openEvents(runId, {
        lastEventId: lastId(uninterrupted),
        signal: connection.signal,
      });
      // An EventSource reconnects whenever the server closes the stream; after the terminal
      // event the server must close it with nothing more to send, not hold it open.
      const text = await reconnect.text();
      expect(text.split("\n").filter((line) => line.startsWith("data:"))).toEqual([]);
    } catch (error) {
      if (connection.signal.aborted)
        throw new Error("GET /events after the terminal event was still open after 5 s");
      throw error;
    } finally {
      clearTimeout(deadline);
    }
  });

  it("refuses a malformed ?after= with a 400 naming the field", async () => {
    const { runId, response } = await startRun({ chunkDelayMs: 0 });
    await readRunFrames({ response });
    const bad = await client.openEvents(runId, { after: "not-an-id" });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.message).toContain("after");
  });
});
