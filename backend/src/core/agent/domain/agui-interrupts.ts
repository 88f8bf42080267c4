import type { Interrupt, ResumeEntry } from "@ag-ui/core";
import { RequestError } from "./errors.js";
import { fieldOf, type JsonSchemaValidator } from "./json-schema-validator.js";
import type { PendingToolCall } from "./state-snapshot-schema.js";
import type { ResumeDecision } from "./tool-correlation.js";

/** The answer an approval interrupt expects (AG-UI `Interrupt.responseSchema`). */
export const APPROVAL_RESPONSE_SCHEMA = {
  type: "object",
  properties: {
    approved: { type: "boolean" },
    edited_args: { type: "object" },
    reason: { type: "string" },
  },
  required: ["approved"],
} as const;

/** AG-UI's docs spell the edits `editedArgs`; both spellings are accepted on the way in. */
const APPROVAL_PAYLOAD_SCHEMA = {
  ...APPROVAL_RESPONSE_SCHEMA,
  properties: { ...APPROVAL_RESPONSE_SCHEMA.properties, editedArgs: { type: "object" } },
};

/**
 * One AG-UI interrupt per open interrupt call, in call order; optional fields are omitted.
 * Approvals ask `Approve <tool>?` with the approval schema; input interrupts ask what their
 * tool declared.
 */
export function interruptsForPendingCalls(calls: readonly PendingToolCall[]): Interrupt[] {
  return calls.flatMap((call) => {
    if (call.status !== "PENDING_APPROVAL" || call.interrupt_id === undefined) return [];
    let interrupt: Interrupt;
    if (call.mode === "BACKEND_APPROVAL_INTERRUPT") {
      interrupt = {
        id: call.interrupt_id,
        reason: "tool_call",
        toolCallId: call.tool_call_id,
        message: `Approve ${call.tool_name}?`,
        responseSchema: structuredClone(APPROVAL_RESPONSE_SCHEMA),
      };
    } else if (call.mode === "BACKEND_INPUT_INTERRUPT" && call.interrupt !== undefined) {
      interrupt = {
        id: call.interrupt_id,
        reason: call.interrupt.reason,
        ...(call.interrupt.standalone ? {} : { toolCallId: call.tool_call_id }),
        message: call.interrupt.message,
        ...(call.interrupt.response_schema
          ? { responseSchema: structuredClone(call.interrupt.response_schema) }
          : {}),
        ...(call.interrupt.metadata ? { metadata: structuredClone(call.interrupt.metadata) } : {}),
      };
    } else {
      return [];
    }
    if (call.expires_at !== undefined) interrupt.expiresAt = call.expires_at;
    return [interrupt];
  });
}

export interface ResumeEntryDecisions {
  decisions: ResumeDecision[];
  /** Entries naming no interrupt of the thread: skipped, as AG-UI 1.0 says (SHOULD proceed and warn). */
  ignored: string[];
}

/**
 * AG-UI resume entries → decisions on the calls their interrupts belong to. `cancelled`
 * rejects the call; `resolved` must carry a payload valid against the interrupt's
 * `responseSchema` (VALIDATION_ERROR naming the field otherwise): an approval becomes
 * approve/reject, an input interrupt's payload becomes the call's result. Whether the
 * decisions fit the calls' state is `applyResume`'s job.
 */
export function decisionsFromResumeEntries({
  entries,
  calls,
  validator,
  field = "body.resume",
}: {
  entries: readonly ResumeEntry[];
  calls: readonly PendingToolCall[];
  validator: JsonSchemaValidator;
  /** Where the entries sit in the request, for error messages. */
  field?: string;
}): ResumeEntryDecisions {
  const byInterrupt = new Map(
    calls.flatMap((call) => (call.interrupt_id === undefined ? [] : [[call.interrupt_id, call]])),
  );
  const decisions: ResumeDecision[] = [];
  const ignored: string[] = [];
  entries.forEach((entry, index) => {
    const call = byInterrupt.get(entry.interruptId);
    if (call === undefined) {
      ignored.push(entry.interruptId);
      return;
    }
    if (entry.status === "cancelled") {
      decisions.push({ kind: "reject", toolCallId: call.tool_call_id, cancelled: true });
      return;
    }
    const payloadField = `${field}[${index}].payload`;
    const schema =
      call.mode === "BACKEND_INPUT_INTERRUPT"
        ? call.interrupt?.response_schema
        : APPROVAL_PAYLOAD_SCHEMA;
    const issues =
      entry.payload === undefined && schema !== undefined
        ? [{ pointer: "", message: "is required" }]
        : schema === undefined
          ? []
          : validator.validate({ schema, value: entry.payload });
    if (issues.length > 0) {
      const named = issues.map((issue) => ({
        field: fieldOf(payloadField, issue.pointer),
        message: issue.message,
      }));
      throw new RequestError({
        code: "VALIDATION_ERROR",
        message: `Resume payload for interrupt ${entry.interruptId} does not fit its responseSchema: ${named
          .map((issue) => `${issue.field} ${issue.message}`)
          .join("; ")}`,
        details: {
          interrupt_id: entry.interruptId,
          tool_call_id: call.tool_call_id,
          issues: named,
        },
      });
    }
    decisions.push(
      call.mode === "BACKEND_INPUT_INTERRUPT"
        ? {
            kind: "result",
            toolCallId: call.tool_call_id,
            content: JSON.stringify(entry.payload ?? null),
          }
        : approvalDecision(call.tool_call_id, entry.payload as ApprovalPayload),
    );
  });
  return { decisions, ignored };
}

interface ApprovalPayload {
  approved: boolean;
  edited_args?: Record<string, unknown>;
  editedArgs?: Record<string, unknown>;
  reason?: string;
}

function approvalDecision(toolCallId: string, payload: ApprovalPayload): ResumeDecision {
  if (!payload.approved) {
    return payload.reason === undefined
      ? { kind: "reject", toolCallId }
      : { kind: "reject", toolCallId, reason: payload.reason };
  }
  const editedArgs = payload.edited_args ?? payload.editedArgs;
  return editedArgs === undefined
    ? { kind: "approve", toolCallId }
    : { kind: "approve", toolCallId, editedArgs };
}
