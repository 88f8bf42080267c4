import { EventType } from "@ag-ui/core";
import type { RunEvent } from "../../application/ports/run-event.js";
import type { StoredRunEvent } from "../../application/ports/run-event-stream.js";
import { storableJsonText } from "../../domain/storable-text.js";
import { toAgUiEvent } from "./agui-event-mapper.js";

const TERMINAL_TYPES = new Set<string>([EventType.RUN_FINISHED, EventType.RUN_ERROR]);

/** A Redis Stream entry as ioredis returns it: its id and its flat field/value list. */
export type StreamEntry = [id: string, fields: string[]];

/** One entry's fields: the events' JSON, one per line, and whether the batch ends the run. */
export function encodeBatch(events: readonly RunEvent[]): { terminal: "0" | "1"; data: string } {
  let data = "";
  let lastType = "";
  for (const runEvent of events) {
    const event = toAgUiEvent(runEvent);
    // The stream shows what history stores: the storable-text rule (domain/storable-text.ts).
    const json = storableJsonText(event);
    data += data ? `\n${json}` : json;
    lastType = event.type;
  }
  return { terminal: TERMINAL_TYPES.has(lastType) ? "1" : "0", data };
}

/** The events of one stream entry, each with its position `<entry id>:<index>`. */
export function toStored(id: string, fields: string[]): StoredRunEvent[] {
  let terminal = false;
  let data = "";
  for (let index = 0; index < fields.length; index += 2) {
    if (fields[index] === "t") terminal = fields[index + 1] === "1";
    else if (fields[index] === "d") data = fields[index + 1] ?? "";
  }
  const lines = data.split("\n");
  return lines.map((line, index) => ({
    id: `${id}:${index}`,
    data: line,
    terminal: terminal && index === lines.length - 1,
  }));
}

/** Orders two stream entry ids (`<ms>-<seq>`, decimal without leading zeros). */
export function compareEntryIds(left: string, right: string): number {
  const [leftMs = "", leftSeq = ""] = left.split("-");
  const [rightMs = "", rightSeq = ""] = right.split("-");
  return compareDecimal(leftMs, rightMs) || compareDecimal(leftSeq, rightSeq);
}

function compareDecimal(left: string, right: string): number {
  if (left.length !== right.length) return left.length - right.length;
  return left < right ? -1 : left > right ? 1 : 0;
}
