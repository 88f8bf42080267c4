import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../../../../src/core/agent/application/ports/chat-message.js";
import { createToolNameMap } from "../../../../../../src/core/agent/domain/tool-policy.js";
import {
  historyToolNames,
  MISSING_RESULT,
  toModelPrompt,
} from "../../../../../../src/core/agent/infrastructure/crew/model-prompt.js";

const NAMES = createToolNameMap(["srv.get_current_time", "ui.navigate_to", "plain_tool"]);
const SYSTEM = "You are a test agent.";

function assistantCalling(
  id: string,
  calls: { id: string; name: string; arguments: string }[],
  content?: string,
): ChatMessage {
  return {
    id,
    role: "assistant",
    ...(content === undefined ? {} : { content }),
    toolCalls: calls.map((call) => ({
      id: call.id,
      type: "function" as const,
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}

function promptOf(history: ChatMessage[], names = NAMES) {
  return toModelPrompt({ system: SYSTEM, history, names });
}

describe("toModelPrompt", () => {
  it("puts the system prompt first, keeps a user message's parts (images as file parts) and skips empty assistant messages", () => {
    const history: ChatMessage[] = [
      { id: "s", role: "system", content: "Be brief." },
      {
        id: "u1",
        role: "user",
        content: [
          { type: "text", text: "first line" },
          { type: "binary", mimeType: "image/png", url: "https://example.test/x.png" },
          { type: "text", text: "second line" },
        ],
      },
      { id: "a-empty", role: "assistant" },
      { id: "a1", role: "assistant", content: "An answer." },
      { id: "u2", role: "user", content: "thanks" },
    ];

    expect(promptOf(history)).toEqual([
      { role: "system", content: SYSTEM },
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "first line" },
          { type: "file", data: new URL("https://example.test/x.png"), mediaType: "image/png" },
          { type: "text", text: "second line" },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "An answer." }] },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ]);
  });

  it("sends tool calls and results under the provider function names, with the arguments parsed, one tool message per step", () => {
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: "what time is it, then go home" },
      assistantCalling(
        "a1",
        [
          {
            id: "call-time",
            name: "srv.get_current_time",
            arguments: '{"timezone":"Europe/Paris"}',
          },
          { id: "call-nav", name: "ui.navigate_to", arguments: '{"path":"/home"}' },
        ],
        "Let me check.",
      ),
      {
        id: "t1",
        role: "tool",
        toolCallId: "call-time",
        content: '{"iso":"2026-03-01T12:00:00Z"}',
      },
      { id: "t2", role: "tool", toolCallId: "call-nav", content: "navigated" },
    ];

    const prompt = promptOf(history);

    expect(NAMES.toProvider("srv.get_current_time")).toBe("srv_get_current_time");
    expect(prompt.slice(1)).toEqual([
      { role: "user", content: [{ type: "text", text: "what time is it, then go home" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          {
            type: "tool-call",
            toolCallId: "call-time",
            toolName: "srv_get_current_time",
            input: { timezone: "Europe/Paris" },
          },
          {
            type: "tool-call",
            toolCallId: "call-nav",
            toolName: "ui_navigate_to",
            input: { path: "/home" },
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call-time",
            toolName: "srv_get_current_time",
            output: { type: "text", value: '{"iso":"2026-03-01T12:00:00Z"}' },
          },
          {
            type: "tool-result",
            toolCallId: "call-nav",
            toolName: "ui_navigate_to",
            output: { type: "text", value: "navigated" },
          },
        ],
      },
    ]);
  });

  it("maps provider function names back to the tool names the history stored", () => {
    for (const name of ["srv.get_current_time", "ui.navigate_to", "plain_tool"]) {
      expect(NAMES.fromProvider(NAMES.toProvider(name))).toBe(name);
    }
    // A name that is already provider-safe is sent as it is.
    expect(NAMES.toProvider("plain_tool")).toBe("plain_tool");
    expect(NAMES.fromProvider("no_such_function")).toBeUndefined();
  });

  it("gives a call left without a result a placeholder error result right after it, without changing the history", () => {
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: "go home" },
      assistantCalling("a1", [{ id: "call-nav", name: "ui.navigate_to", arguments: "{}" }]),
      { id: "u2", role: "user", content: "never mind, what time is it?" },
    ];
    const before = structuredClone(history);

    const prompt = promptOf(history);

    expect(prompt.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "user",
    ]);
    expect(prompt[3]).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "call-nav",
          toolName: "ui_navigate_to",
          output: { type: "error-text", value: MISSING_RESULT },
        },
      ],
    });
    expect(history).toEqual(before);
  });

  it("answers only the calls that lack a result when a step made several, in one tool message", () => {
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: "two things" },
      assistantCalling("a1", [
        { id: "call-1", name: "srv.get_current_time", arguments: "{}" },
        { id: "call-2", name: "ui.navigate_to", arguments: "{}" },
      ]),
      { id: "t1", role: "tool", toolCallId: "call-1", content: "12:00" },
    ];

    const prompt = promptOf(history);

    expect(prompt).toHaveLength(4);
    const results = prompt[3]?.role === "tool" ? prompt[3].content : [];
    expect(
      results.map((part) =>
        part.type === "tool-result" ? [part.toolCallId, part.output.type] : [],
      ),
    ).toEqual([
      ["call-1", "text"],
      ["call-2", "error-text"],
    ]);
  });

  it("puts a result right after its call even when a later user message was stored first", () => {
    // A resume that carries a new user turn stores that message before the approved tool's
    // result, which only exists once the tool ran; providers need call → result adjacency.
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: "what time is it?" },
      assistantCalling("a1", [{ id: "call-1", name: "srv.get_current_time", arguments: "{}" }]),
      { id: "u2", role: "user", content: "and in Paris?" },
      { id: "t1", role: "tool", toolCallId: "call-1", content: '{"iso":"2026-11-25T10:00:00Z"}' },
    ];

    const prompt = promptOf(history);

    expect(prompt.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "user",
    ]);
    const result = prompt[3]?.role === "tool" ? prompt[3].content[0] : undefined;
    expect(result).toMatchObject({
      type: "tool-result",
      toolCallId: "call-1",
      output: { type: "text" },
    });
  });

  it("shows a failed tool result to the model as an error, and drops a result whose call is unknown", () => {
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: "time in Mars/Base" },
      assistantCalling("a1", [{ id: "call-1", name: "srv.get_current_time", arguments: "{}" }]),
      {
        id: "t1",
        role: "tool",
        toolCallId: "call-1",
        content: '{"error":"Unknown time zone"}',
        error: "Unknown time zone",
      },
      { id: "t-orphan", role: "tool", toolCallId: "call-nobody-made", content: "stray" },
    ];

    const prompt = promptOf(history);

    expect(prompt).toHaveLength(4);
    expect(prompt[3]).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "call-1",
          toolName: "srv_get_current_time",
          output: { type: "error-text", value: "Unknown time zone" },
        },
      ],
    });
  });

  it("sends arguments that are not JSON as an empty object rather than failing the step", () => {
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: "hi" },
      assistantCalling("a1", [{ id: "call-1", name: "plain_tool", arguments: "{not json" }]),
      { id: "t1", role: "tool", toolCallId: "call-1", content: "ok" },
    ];

    expect(promptOf(history)[2]).toMatchObject({
      role: "assistant",
      content: [{ type: "tool-call", toolCallId: "call-1", input: {} }],
    });
  });

  it("refuses a history naming a tool the name map does not know (callers add historyToolNames)", () => {
    const history: ChatMessage[] = [
      assistantCalling("a1", [{ id: "call-1", name: "ui.retired_tool", arguments: "{}" }]),
    ];

    expect(() => promptOf(history)).toThrow(expect.objectContaining({ code: "UNKNOWN_TOOL" }));
    expect(historyToolNames(history)).toEqual(["ui.retired_tool"]);
    const withHistory = createToolNameMap(["srv.get_current_time", ...historyToolNames(history)]);
    expect(promptOf(history, withHistory)[1]).toMatchObject({
      content: [{ type: "tool-call", toolName: withHistory.toProvider("ui.retired_tool") }],
    });
  });

  it("gives each turn's call with a repeated id its own result, never an earlier turn's", () => {
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: "weather in Paris" },
      assistantCalling("a1", [{ id: "call_3", name: "plain_tool", arguments: "{}" }]),
      { id: "t1", role: "tool", toolCallId: "call_3", content: "Paris: sun" },
      { id: "a1b", role: "assistant", content: "Sunny." },
      { id: "u2", role: "user", content: "and Oslo?" },
      assistantCalling("a2", [{ id: "call_3", name: "plain_tool", arguments: "{}" }]),
      { id: "t2", role: "tool", toolCallId: "call_3", content: "Oslo: snow" },
    ];
    const prompt = promptOf(history);
    const results = prompt
      .filter((message) => message.role === "tool")
      .map((message) => (message.content[0] as { output: { value: string } }).output.value);
    expect(results).toEqual(["Paris: sun", "Oslo: snow"]);
  });

  it("passes AG-UI 1.0 image parts on as file parts: inline data with its type, a URL as a URL", () => {
    const history: ChatMessage[] = [
      {
        id: "u1",
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "image", source: { type: "data", value: "iVBORw0KGgo=", mimeType: "image/png" } },
          {
            type: "document",
            source: {
              type: "url",
              value: "https://example.test/a.pdf",
              mimeType: "application/pdf",
            },
          },
        ],
      },
    ];
    expect(promptOf(history)[1]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "what is this?" },
        { type: "file", data: "iVBORw0KGgo=", mediaType: "image/png" },
        { type: "file", data: new URL("https://example.test/a.pdf"), mediaType: "application/pdf" },
      ],
    });
  });

  it.each([
    ["an unknown part type", { type: "hologram" }, 'type "hologram"'],
    [
      "inline data without a mimeType",
      { type: "image", source: { type: "data", value: "AA==" } },
      "mimeType",
    ],
    [
      "a provider file reference",
      { type: "image", source: { type: "file", value: "file-1" } },
      '"file" source',
    ],
    [
      "a binary part with only an id",
      { type: "binary", mimeType: "image/png", id: "x" },
      "file ids",
    ],
    [
      "a url that is not one",
      { type: "image", source: { type: "url", value: "not a url" } },
      "not a URL",
    ],
  ])("refuses %s with UNSUPPORTED_CONTENT instead of dropping it", (_case, part, words) => {
    const history: ChatMessage[] = [
      { id: "u1", role: "user", content: [{ type: "text", text: "x" }, part] },
    ];
    expect(() => promptOf(history)).toThrow(
      expect.objectContaining({
        code: "UNSUPPORTED_CONTENT",
        message: expect.stringContaining(words),
      }),
    );
  });
});
