import type { Message, Tool } from "@ag-ui/client";

export interface ShownToolCall {
  id: string;
  name: string;
  args: string;
  result?: string;
  /** A frontend tool (declared by this page) still waiting for the page's answer. */
  awaitsPage: boolean;
}

/** The tool calls of an assistant message, each with its result when there is one. */
export function toolCallsOf(
  message: Message,
  messages: readonly Message[],
  frontendTools: readonly Tool[],
): ShownToolCall[] {
  if (message.role !== "assistant") return [];
  const names = new Set(frontendTools.map((tool) => tool.name));
  return (message.toolCalls ?? []).map((call) => {
    const result = messages.find(
      (candidate) => candidate.role === "tool" && candidate.toolCallId === call.id,
    );
    const content = result?.role === "tool" ? result.content : undefined;
    return {
      id: call.id,
      name: call.function.name,
      args: call.function.arguments,
      ...(content === undefined
        ? {}
        : { result: typeof content === "string" ? content : JSON.stringify(content) }),
      awaitsPage: result === undefined && names.has(call.function.name),
    };
  });
}

/** Pretty JSON when the text is JSON, else the text itself. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
