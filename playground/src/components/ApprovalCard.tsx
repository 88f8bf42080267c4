import type { Interrupt } from "@ag-ui/client";
import { useState } from "react";
import { pretty } from "./tool-calls";

export type ApprovalDecision =
  | { approved: true; editedArgs?: Record<string, unknown> }
  | { approved: false; reason?: string };

/** Approve, reject (with a reason) or edit the arguments and approve; the server checks edits. */
export function ApprovalCard({
  interrupt,
  args,
  onDecide,
}: {
  interrupt: Interrupt;
  args: string;
  onDecide: (decision: ApprovalDecision) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [edited, setEdited] = useState(pretty(args));
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | undefined>();

  const approveEdited = () => {
    try {
      const parsed = JSON.parse(edited) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        setProblem("The arguments must be a JSON object.");
        return;
      }
      setProblem(undefined);
      onDecide({ approved: true, editedArgs: parsed as Record<string, unknown> });
    } catch (error) {
      setProblem(`Not JSON: ${(error as Error).message}`);
    }
  };

  return (
    <div className="approval" data-testid="approval">
      <div className="approval-message">{interrupt.message ?? "Approve this call?"}</div>
      {interrupt.expiresAt && (
        <div className="hint">expires {new Date(interrupt.expiresAt).toLocaleString()}</div>
      )}
      {editing ? (
        <>
          <textarea
            aria-label="edited arguments"
            value={edited}
            onChange={(event) => setEdited(event.target.value)}
            rows={6}
          />
          {problem && <div className="error-inline">{problem}</div>}
          <div className="buttons">
            <button type="button" className="primary" onClick={approveEdited}>
              Approve with edits
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Back
            </button>
          </div>
        </>
      ) : (
        <div className="buttons">
          <button type="button" className="primary" onClick={() => onDecide({ approved: true })}>
            Approve
          </button>
          <button type="button" onClick={() => setEditing(true)}>
            Edit arguments
          </button>
          <input
            aria-label="rejection reason"
            placeholder="reason (optional)"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <button
            type="button"
            className="danger"
            onClick={() => onDecide(reason ? { approved: false, reason } : { approved: false })}
          >
            Reject
          </button>
        </div>
      )}
    </div>
  );
}
