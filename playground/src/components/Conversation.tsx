import type { Interrupt, Message, Tool } from "@ag-ui/client";
import { ApprovalCard, type ApprovalDecision } from "./ApprovalCard";
import { pretty, type ShownToolCall, toolCallsOf } from "./tool-calls";

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((part) => (part as { text?: string }).text ?? "").join("");
  return "";
}

function ToolCallCard({
  call,
  interrupt,
  onDecide,
  answer,
  onAnswer,
}: {
  call: ShownToolCall;
  interrupt: Interrupt | undefined;
  onDecide: (decision: ApprovalDecision) => void;
  answer: string | undefined;
  onAnswer: (text: string) => void;
}) {
  const status = call.result
    ? "done"
    : interrupt
      ? "waiting for approval"
      : call.awaitsPage
        ? "waiting for this page"
        : "running";
  return (
    <div className="tool-call" data-testid="tool-call" data-tool-name={call.name}>
      <div className="tool-call-head">
        <span className="tool-name">{call.name}</span>
        <span className={`badge badge-${status.split(" ")[0]}`}>{status}</span>
      </div>
      <div className="label">arguments</div>
      <pre data-testid="tool-args">{pretty(call.args)}</pre>
      {call.result !== undefined && (
        <>
          <div className="label">result</div>
          <pre data-testid="tool-result">{pretty(call.result)}</pre>
        </>
      )}
      {interrupt && <ApprovalCard interrupt={interrupt} args={call.args} onDecide={onDecide} />}
      {call.awaitsPage && !interrupt && (
        <div className="frontend-answer">
          <div className="label">your answer (this page runs {call.name})</div>
          <textarea
            aria-label={`result for ${call.name}`}
            value={answer ?? '{"color": "teal"}'}
            onChange={(event) => onAnswer(event.target.value)}
            rows={3}
          />
        </div>
      )}
    </div>
  );
}

export function Conversation({
  messages,
  interrupts,
  frontendTools,
  answers,
  onAnswer,
  onDecide,
}: {
  messages: readonly Message[];
  interrupts: readonly Interrupt[];
  frontendTools: readonly Tool[];
  answers: Record<string, string>;
  onAnswer: (toolCallId: string, text: string) => void;
  onDecide: (interrupt: Interrupt, decision: ApprovalDecision) => void;
}) {
  return (
    <div className="conversation" data-testid="conversation">
      {messages.length === 0 && (
        <p className="hint">
          Say hello, ask “What time is it?” (a backend tool), “Please transfer 25 EUR to ACC-42” (a
          tool that needs your approval) or “pick a colour with ui.pick_color” (a tool this page
          runs).
        </p>
      )}
      {messages.map((message) => {
        if (message.role === "tool" || message.role === "system" || message.role === "developer")
          return null;
        const calls = toolCallsOf(message, messages, frontendTools);
        const text = textOf(message.content);
        return (
          <div key={message.id} className={`message message-${message.role}`}>
            {text && (
              <div className="bubble" data-testid={`${message.role}-message`}>
                {text}
              </div>
            )}
            {calls.map((call) => (
              <ToolCallCard
                key={call.id}
                call={call}
                interrupt={interrupts.find((candidate) => candidate.toolCallId === call.id)}
                onDecide={(decision) => {
                  const interrupt = interrupts.find(
                    (candidate) => candidate.toolCallId === call.id,
                  );
                  if (interrupt) onDecide(interrupt, decision);
                }}
                answer={answers[call.id]}
                onAnswer={(text) => onAnswer(call.id, text)}
              />
            ))}
          </div>
        );
      })}
    </div>
  );
}
