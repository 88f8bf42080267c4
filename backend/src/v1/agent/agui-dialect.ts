/**
 * AG-UI dialects: the stored stream is AG-UI 1.0; a follower that did not declare 1.0 gets the
 * subset every pre-1.0 client accepts (docs/runtime/compatibility.md).
 *
 * How a request says which one it speaks: an `@ag-ui/client` 1.0 sends
 * `RunAgentInput.protocolVersion` ("1.0"); the pre-1.0 clients CopilotKit ships (0.0.57 in
 * 1.61, 0.0.59 in 1.74/1.75) have no such field and send nothing else that tells them apart.
 * So a declared major version ≥ 1, or a value outside the `<major>.<minor>` grammar (the spec
 * treats it like a newer one), gets 1.0; no declaration, or a 0.x one, gets `pre-1.0`.
 *
 * What pre-1.0 changes (their zod schemas reject the rest, which fails the whole run):
 * - `RUN_FINISHED` success outcome: `pendingToolCallIds` is dropped (their success outcome is
 *   `.strict()`); the client derives the pending calls from the stream, as 1.0 does without it.
 * - `RUN_FINISHED` cancelled outcome (1.0 only): sent as `RUN_ERROR { code: "CANCELLED" }`,
 *   the only ending an old client reads as "stopped, do not act on pending calls".
 * - Tool results with content parts become their text (pre-1.0 results are strings).
 * - Event types a pre-1.0 client does not know (`SUBAGENT_*`) are not sent.
 * The result is still a valid 1.0 stream (so RUN_STARTED keeps `protocolVersion: "1.0"`, which
 * old clients let through), and a 1.0 client that declares nothing works too.
 */
export type AgUiDialect = "1.0" | "pre-1.0";

const DECLARED_VERSION = /^(\d+)\.\d+$/;

export function dialectOf(protocolVersion: string | undefined): AgUiDialect {
  if (protocolVersion === undefined) return "pre-1.0";
  const match = DECLARED_VERSION.exec(protocolVersion);
  if (!match) return "1.0";
  return Number(match[1]) >= 1 ? "1.0" : "pre-1.0";
}

/** Event types both pre-1.0 clients in use (0.0.57 and 0.0.59) parse. */
const PRE_1_0_EVENT_TYPES = new Set([
  "TEXT_MESSAGE_START",
  "TEXT_MESSAGE_CONTENT",
  "TEXT_MESSAGE_END",
  "TEXT_MESSAGE_CHUNK",
  "TOOL_CALL_START",
  "TOOL_CALL_ARGS",
  "TOOL_CALL_END",
  "TOOL_CALL_CHUNK",
  "TOOL_CALL_RESULT",
  "STATE_SNAPSHOT",
  "STATE_DELTA",
  "MESSAGES_SNAPSHOT",
  "ACTIVITY_SNAPSHOT",
  "ACTIVITY_DELTA",
  "RAW",
  "CUSTOM",
  "RUN_STARTED",
  "RUN_FINISHED",
  "RUN_ERROR",
  "STEP_STARTED",
  "STEP_FINISHED",
  "REASONING_START",
  "REASONING_MESSAGE_START",
  "REASONING_MESSAGE_CONTENT",
  "REASONING_MESSAGE_END",
  "REASONING_MESSAGE_CHUNK",
  "REASONING_END",
  "REASONING_ENCRYPTED_VALUE",
]);

/** Types whose pre-1.0 form may differ; every other known type passes through untouched. */
const REWRITTEN = ["RUN_FINISHED", "TOOL_CALL_RESULT", "MESSAGES_SNAPSHOT"];

const LEADING_TYPE = /^\{"type":"([A-Z_]+)"/;

type JsonObject = Record<string, unknown>;

/**
 * One stored event's JSON as `dialect` sends it; `undefined` when the dialect has no such
 * event. 1.0 is the stored form, returned as it is (no parsing on the hot path).
 */
export function eventForDialect(data: string, dialect: AgUiDialect): string | undefined {
  if (dialect === "1.0") return data;
  // Stored events start with their type; anything else is parsed to be sure.
  const type = LEADING_TYPE.exec(data)?.[1];
  if (type !== undefined && PRE_1_0_EVENT_TYPES.has(type) && !REWRITTEN.includes(type)) {
    return data;
  }
  const event = JSON.parse(data) as JsonObject;
  const rewritten = preOneEvent(event);
  return rewritten === undefined ? undefined : JSON.stringify(rewritten);
}

function preOneEvent(event: JsonObject): JsonObject | undefined {
  const type = String(event.type);
  if (!PRE_1_0_EVENT_TYPES.has(type)) return undefined;
  switch (type) {
    case "RUN_FINISHED":
      return preOneRunFinished(event);
    case "TOOL_CALL_RESULT":
      return { ...event, content: contentText(event.content) };
    case "MESSAGES_SNAPSHOT":
      return {
        ...event,
        messages: Array.isArray(event.messages) ? event.messages.map(preOneMessage) : [],
      };
    default:
      return event;
  }
}

function preOneRunFinished(event: JsonObject): JsonObject {
  const outcome = event.outcome as JsonObject | undefined;
  if (outcome?.type === "cancelled") {
    return {
      type: "RUN_ERROR",
      code: "CANCELLED",
      message: "The run was cancelled",
      ...(event.usage === undefined ? {} : { usage: event.usage }),
      ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
    };
  }
  if (outcome?.type === "success") return { ...event, outcome: { type: "success" } };
  return event;
}

function preOneMessage(message: unknown): unknown {
  const candidate = message as JsonObject;
  if (candidate?.role !== "tool" || typeof candidate.content === "string") return message;
  return { ...candidate, content: contentText(candidate.content) };
}

/** Text of a 1.0 tool result: a string as it is, content parts as their joined text. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => {
      const text = (part as { type?: unknown; text?: unknown }).text;
      return (part as { type?: unknown }).type === "text" && typeof text === "string" ? text : "";
    })
    .join("");
}
