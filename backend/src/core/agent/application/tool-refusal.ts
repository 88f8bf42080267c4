import type { PendingToolCall, ToolResult } from "../domain/state-snapshot.js";
import { CANCELLED_REASON } from "../domain/tool-correlation.js";

/** What the model (and the stored tool message) says for a call that did not run. */
export function refusalResult(
  call: Pick<PendingToolCall, "status" | "reason" | "mode">,
): ToolResult {
  const asked = call.mode === "BACKEND_INPUT_INTERRUPT";
  if (call.status === "EXPIRED") {
    return {
      content: JSON.stringify({
        status: "expired",
        reason: asked
          ? "The question expired before anyone answered it."
          : "The approval request expired before anyone answered it.",
      }),
    };
  }
  return {
    content: JSON.stringify({
      status: "rejected",
      reason:
        call.reason ??
        (call.mode === "FRONTEND_EXECUTE" || asked ? CANCELLED_REASON : "rejected by the approver"),
    }),
  };
}
