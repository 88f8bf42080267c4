import type { ChatMessage } from "../../application/ports/chat-message.js";

/**
 * Gives every tool call of a conversation its own id. Providers with short or deterministic
 * ids (`call_get_weather_3`, `call_0`) repeat them across turns and steps; correlation,
 * the ledger (`runId:toolCallId`), events and stored messages need each call to be distinct.
 * A provider id not used yet in the conversation is kept as it is (so ids stay recognisable);
 * a repeated one becomes `<id>-2`, `<id>-3`… (still `[A-Za-z0-9_-]` when the original was,
 * as every provider requires of ids sent back in a prompt).
 */
export class ToolCallIdAllocator {
  private readonly taken: Set<string>;
  private readonly current = new Map<string, string>();
  private readonly accepted = new Set<string>();

  constructor(taken: Iterable<string>) {
    this.taken = new Set(taken);
  }

  /** Every tool-call id an assistant message or a tool message of `history` uses. */
  static forConversation(history: readonly ChatMessage[]): ToolCallIdAllocator {
    const ids: string[] = [];
    for (const message of history) {
      if (message.role === "assistant")
        for (const call of message.toolCalls ?? []) ids.push(call.id);
      else if (message.role === "tool") ids.push(message.toolCallId);
    }
    return new ToolCallIdAllocator(ids);
  }

  /** A call starts streaming: a fresh id for it. */
  start(providerId: string): string {
    const id = this.fresh(providerId);
    this.current.set(providerId, id);
    return id;
  }

  /** The id of the call now streaming under `providerId` (one is made if none started). */
  of(providerId: string): string {
    return this.current.get(providerId) ?? this.start(providerId);
  }

  /**
   * The complete call arrived: its id. A second complete call under the same provider id
   * (without a new start) is another call and gets another id.
   */
  complete(providerId: string): string {
    let id = this.of(providerId);
    if (this.accepted.has(id)) id = this.start(providerId);
    this.accepted.add(id);
    return id;
  }

  private fresh(providerId: string): string {
    let id = providerId;
    for (let suffix = 2; this.taken.has(id); suffix++) id = `${providerId}-${suffix}`;
    this.taken.add(id);
    return id;
  }
}
