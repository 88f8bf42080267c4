import { RequestError } from "./errors.js";
import { fieldOf, type JsonSchemaValidator } from "./json-schema-validator.js";

/** One way a tool call's arguments miss the tool's schema: the field and why. */
export interface ToolArgumentIssue {
  /** e.g. `arguments.currency`, `edited_args.to_account.iban`. */
  field: string;
  message: string;
}

/**
 * What is wrong with a tool call's arguments, checked against the tool's JSON schema
 * (`parameters`); empty when the call may run. Arguments must be a JSON object whatever the
 * schema says, since every provider and handler takes an object.
 */
export function toolArgumentIssues({
  validator,
  schema,
  args,
  field = "arguments",
}: {
  validator: JsonSchemaValidator;
  schema: Record<string, unknown> | undefined;
  args: unknown;
  /** How the arguments are named in the issues. */
  field?: string;
}): ToolArgumentIssue[] {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return [{ field, message: "must be a JSON object" }];
  }
  if (schema === undefined) return [];
  return validator
    .validate({ schema, value: args })
    .map((issue) => ({ field: fieldOf(field, issue.pointer), message: issue.message }));
}

/** `arguments.amount must be number; arguments.to_account is required`. */
export function describeToolArgumentIssues(issues: readonly ToolArgumentIssue[]): string {
  return issues.map((issue) => `${issue.field} ${issue.message}`).join("; ");
}

/**
 * The tool result the model gets for a call whose arguments were refused: it names every
 * problem, so the model can correct the call; the tool did not run.
 */
export function refusedArgumentsResult({
  toolName,
  problem,
}: {
  toolName: string;
  problem: string;
}): { content: string; error: string } {
  const error = `The arguments of ${toolName} were refused and the tool did not run: ${problem}`;
  return { content: JSON.stringify({ error }), error };
}

/**
 * Approved `edited_args` must fit the tool's schema before the approval is accepted: otherwise
 * TOOL_ARGS_INVALID (400) naming each field; nothing runs and the call stays pending.
 * `parametersOf` answers a backend tool's schema (undefined: not configured, nothing to check).
 */
export function assertEditedArgumentsFit({
  decisions,
  calls,
  parametersOf,
  validator,
}: {
  decisions: readonly { kind: string; toolCallId: string; editedArgs?: unknown }[];
  calls: readonly { tool_call_id: string; tool_name: string }[];
  parametersOf: (toolName: string) => Record<string, unknown> | undefined;
  validator: JsonSchemaValidator;
}): void {
  for (const decision of decisions) {
    if (decision.kind !== "approve" || decision.editedArgs === undefined) continue;
    const call = calls.find((candidate) => candidate.tool_call_id === decision.toolCallId);
    if (call === undefined) continue;
    const issues = toolArgumentIssues({
      validator,
      schema: parametersOf(call.tool_name),
      args: decision.editedArgs,
      field: "edited_args",
    });
    if (issues.length > 0) {
      throw new RequestError({
        code: "TOOL_ARGS_INVALID",
        message: `The edited arguments of ${call.tool_name} do not fit its schema: ${describeToolArgumentIssues(issues)}. Nothing ran; the approval is still pending.`,
        details: {
          tool_call_id: call.tool_call_id,
          tool_name: call.tool_name,
          field: issues[0]?.field ?? "edited_args",
          issues,
        },
      });
    }
  }
}
