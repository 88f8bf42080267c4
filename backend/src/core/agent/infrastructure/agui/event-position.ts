/** A position in a run's event stream: a Redis Stream entry id and, optionally, an event in it. */
export interface EventPosition {
  entry: string;
  /** Index of the last event already seen in `entry`; absent: the whole entry was seen. */
  index?: number;
}

/**
 * The entry id of terminal events made from the Postgres record when the run's Redis stream is
 * gone: the greatest id Redis allows, so a reconnect after them is past the end of any stream.
 */
export const RECORDED_ENDING_ENTRY = "18446744073709551615-18446744073709551615";

const POSITION = /^(\d+)-(\d+)(?::(\d+))?$/;

/** Reads an SSE id / `after` value (`<entry id>` or `<entry id>:<index>`); absent → the start. */
export function parseEventPosition(value: string | undefined): EventPosition {
  const match = value ? POSITION.exec(value) : null;
  if (!match) return { entry: "0-0" };
  // Without leading zeros, as Redis writes ids, so ids compare as Redis orders them.
  const entry = `${BigInt(match[1] as string)}-${BigInt(match[2] as string)}`;
  return match[3] === undefined ? { entry } : { entry, index: Number(match[3]) };
}
