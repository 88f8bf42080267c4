/** A position in a run's event stream: a Redis Stream entry id and, optionally, an event in it. */
export interface EventPosition {
  entry: string;
  /** Index of the last event already seen in `entry`; absent: the whole entry was seen. */
  index?: number;
}

const POSITION = /^(\d+-\d+)(?::(\d+))?$/;

/** Reads an SSE id / `after` value (`<entry id>` or `<entry id>:<index>`); absent → the start. */
export function parseEventPosition(value: string | undefined): EventPosition {
  const match = value ? POSITION.exec(value) : null;
  if (!match) return { entry: "0-0" };
  return match[2] === undefined
    ? { entry: match[1] as string }
    : { entry: match[1] as string, index: Number(match[2]) };
}
