import { createHash } from "node:crypto";
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
} from "@ai-sdk/provider";
import { demoJsonAnswer } from "./demo-json-answer.js";
import { instructionsText, lastUserText, toolCallCount } from "./demo-prompt.js";
import { type DemoToolKind, deriveToolArguments } from "./demo-tool-arguments.js";
import { summariseToolResults } from "./demo-tool-results.js";

export type DemoReply =
  | { type: "text"; text: string }
  | { type: "tool-call"; toolCallId: string; toolName: string; input: Record<string, unknown> };

/** Requests to do something; looking up the time counts, as in the intent task's labels. */
const ACTION_WORDS =
  /\b(transfer|send|pay|navigate|open|go to|book|create|delete|remove|update|set|schedule|cancel|buy|order|move|time|clock)\b/i;
const QUESTION =
  /\?\s*$|^(what|how|why|when|where|who|which|can|could|is|are|do|does|will|would)\b/i;
/** "classify…", "classification", "categorise/categorize" — not a mere mention of "intent". */
const CLASSIFICATION_REQUEST = /\bclassif|\bcategori[sz]/i;
const TIME_REQUEST = /\b(time|clock)\b/i;
const TRANSFER_REQUEST = /\b(transfer|send money|pay|payment|wire)\b/i;
const TIME_TOOL = /time|clock/i;
const TRANSFER_TOOL = /transfer|payment|pay\b|send_money/i;
/** Name fragments too generic to tell tools apart. */
const GENERIC_WORDS = new Set(["tool", "tools", "current", "function", "data", "info", "value"]);

/**
 * What the offline demo model answers, decided from the prompt alone (deterministic); when a
 * JSON answer is asked for (`responseFormat`), a text answer becomes JSON the schema accepts:
 * 1. the last message holds tool results → a short text summarising them;
 * 2. no tools offered → a one-word classification (`action` / `question` / `chitchat`) when
 *    the system instructions ask to classify or categorise (the `intent` stage), else the
 *    friendly reply of rule 4;
 * 3. the user's last message asks for something an offered tool does → a call of that tool
 *    (transfer/send money/pay → the transfer tool with amount, currency and account parsed
 *    from the text; time/clock → the time tool; otherwise a tool whose name is mentioned);
 * 4. otherwise a friendly reply that says it comes from the demo model.
 */
export function planDemoReply(options: LanguageModelV3CallOptions): DemoReply {
  const reply = planReply(options);
  const format = options.responseFormat;
  // A structured answer is asked for: the text becomes JSON the schema accepts.
  if (reply.type === "text" && format?.type === "json" && format.schema !== undefined) {
    return {
      type: "text",
      text: JSON.stringify(demoJsonAnswer(format.schema, lastUserText(options.prompt))),
    };
  }
  return reply;
}

function planReply(options: LanguageModelV3CallOptions): DemoReply {
  const { prompt } = options;
  const last: LanguageModelV3Message | undefined = prompt.at(-1);
  if (last?.role === "tool") return { type: "text", text: summariseToolResults(last.content) };
  const text = lastUserText(prompt);
  const tools =
    options.toolChoice?.type === "none"
      ? []
      : (options.tools ?? []).filter(
          (tool): tool is LanguageModelV3FunctionTool => tool.type === "function",
        );
  if (tools.length === 0) {
    return CLASSIFICATION_REQUEST.test(instructionsText(prompt))
      ? { type: "text", text: classify(text) }
      : friendlyReply(text);
  }
  const choice = chooseTool(text, tools, options.toolChoice);
  if (choice === undefined) return friendlyReply(text);
  return {
    type: "tool-call",
    toolCallId: demoToolCallId(`${prompt.length}:${toolCallCount(prompt)}:${text}`),
    toolName: choice.tool.name,
    input: deriveToolArguments({ tool: choice.tool, text, kind: choice.kind }),
  };
}

function classify(text: string): "action" | "question" | "chitchat" {
  if (ACTION_WORDS.test(text)) return "action";
  if (QUESTION.test(text.trim())) return "question";
  return "chitchat";
}

function friendlyReply(text: string): DemoReply {
  const said = text === "" ? "nothing yet" : `"${text}"`;
  return {
    type: "text",
    text: `(demo model) You said: ${said}. I am the offline demo model, so my answers are scripted; configure an LLM provider key for real answers.`,
  };
}

function chooseTool(
  text: string,
  tools: readonly LanguageModelV3FunctionTool[],
  toolChoice: LanguageModelV3CallOptions["toolChoice"],
): { tool: LanguageModelV3FunctionTool; kind: DemoToolKind } | undefined {
  if (toolChoice?.type === "tool") {
    const forced = tools.find((tool) => tool.name === toolChoice.toolName);
    if (forced) return { tool: forced, kind: kindOf(forced) };
  }
  const chosen =
    (TRANSFER_REQUEST.test(text) && findTool(tools, TRANSFER_TOOL)) ||
    (TIME_REQUEST.test(text) && findTool(tools, TIME_TOOL)) ||
    mentionedTool(text, tools) ||
    (toolChoice?.type === "required" ? tools[0] : undefined);
  return chosen ? { tool: chosen, kind: kindOf(chosen) } : undefined;
}

function kindOf(tool: LanguageModelV3FunctionTool): DemoToolKind {
  if (TRANSFER_TOOL.test(tool.name)) return "transfer";
  if (TIME_TOOL.test(tool.name)) return "time";
  return "generic";
}

/** By name first; by description only when no name fits. */
function findTool(
  tools: readonly LanguageModelV3FunctionTool[],
  pattern: RegExp,
): LanguageModelV3FunctionTool | undefined {
  return (
    tools.find((tool) => pattern.test(tool.name)) ??
    tools.find((tool) => pattern.test(tool.description ?? ""))
  );
}

/** The tool whose name (or most of its distinctive name words) the text mentions. */
function mentionedTool(
  text: string,
  tools: readonly LanguageModelV3FunctionTool[],
): LanguageModelV3FunctionTool | undefined {
  const lower = text.toLowerCase();
  const words = new Set(lower.match(/[a-z0-9]+/g) ?? []);
  let best: { tool: LanguageModelV3FunctionTool; score: number } | undefined;
  for (const tool of tools) {
    const score = lower.includes(tool.name.toLowerCase())
      ? Number.POSITIVE_INFINITY
      : nameWords(tool.name).filter((word) => words.has(word)).length;
    if (score > 0 && (best === undefined || score > best.score)) best = { tool, score };
  }
  return best?.tool;
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 4 && !GENERIC_WORDS.has(word));
}

/** Deterministic, and distinct across the turns of one conversation. */
function demoToolCallId(seed: string): string {
  const digest = createHash("sha256").update(seed).digest("hex");
  return `call_demo_${digest.slice(0, 16)}`;
}
