import { z } from "zod";
import { LlmCallSchema } from "./metering-schemas.js";
import { eventPosition, id, jsonObject, MAX_INT32, name, queryInteger } from "./schema-fields.js";

/*
 * Request and response shapes of /api/v1/agent, in zod: they validate requests (4xx naming
 * the field) and produce the OpenAPI document at /docs.
 */

const ContentPartSchema = z.looseObject({ type: z.string() });

const ToolCallSchema = z.looseObject({
  id,
  type: z.literal("function"),
  function: z.looseObject({ name, arguments: z.string() }),
});

/** AG-UI messages (1.0). Roles this backend does not store are accepted and ignored. */
export const AgUiMessageSchema = z.discriminatedUnion("role", [
  z.looseObject({
    id,
    role: z.literal("user"),
    content: z.union([z.string(), z.array(ContentPartSchema)]),
  }),
  z.looseObject({
    id,
    role: z.literal("assistant"),
    content: z.string().optional(),
    toolCalls: z.array(ToolCallSchema).optional(),
  }),
  z.looseObject({
    id,
    role: z.literal("tool"),
    content: z.union([z.string(), z.array(ContentPartSchema)]),
    toolCallId: id,
    error: z.string().optional(),
  }),
  z.looseObject({ id, role: z.literal("system"), content: z.string() }),
  z.looseObject({ id, role: z.literal("developer"), content: z.string() }),
  z.looseObject({ id, role: z.literal("activity") }),
  z.looseObject({ id, role: z.literal("reasoning") }),
]);
export type AgUiMessage = z.infer<typeof AgUiMessageSchema>;

export const ClientToolSchema = z.looseObject({
  name,
  description: z.string().default(""),
  parameters: jsonObject.optional(),
});

export const ResumeEntrySchema = z.looseObject({
  interruptId: id,
  status: z.enum(["resolved", "cancelled"]),
  payload: z.unknown().optional(),
});

/** AG-UI `RunAgentInput`; `forwardedProps.agent` picks the workflow of a new thread. */
export const RunAgentInputSchema = z.looseObject({
  threadId: id,
  runId: id,
  messages: z.array(AgUiMessageSchema),
  tools: z.array(ClientToolSchema).default([]),
  context: z.array(z.looseObject({ description: z.string(), value: z.string() })).default([]),
  state: z.unknown().optional(),
  forwardedProps: z.looseObject({ agent: name.optional() }).optional(),
  parentRunId: id.optional(),
  protocolVersion: z.string().max(50).optional(),
  resume: z.array(ResumeEntrySchema).optional(),
});
export type RunAgentInputBody = z.infer<typeof RunAgentInputSchema>;

export const ResumeBodySchema = z.object({
  run_id: id.optional(),
  tool_results: z
    .array(z.object({ tool_call_id: id, content: z.string(), error: z.string().optional() }))
    .default([]),
  approvals: z
    .array(
      z.object({
        tool_call_id: id,
        approved: z.boolean(),
        edited_args: jsonObject.optional(),
        reason: z.string().max(2000).optional(),
      }),
    )
    .default([]),
  resume: z.array(ResumeEntrySchema).optional(),
});
export type ResumeBody = z.infer<typeof ResumeBodySchema>;

export const RunParamsSchema = z.object({ runId: id });
export const SessionParamsSchema = z.object({ sessionId: id });
export const EventsQuerySchema = z.object({
  after: eventPosition.optional(),
  /** The AG-UI version the follower speaks; absent = 1.0 (see agui-dialect.ts). */
  protocolVersion: z.string().min(1).max(20).optional(),
});
export const PageQuerySchema = z.object({
  limit: queryInteger({ min: 1, max: 200, fallback: 50 }),
  offset: queryInteger({ min: 0, max: MAX_INT32, fallback: 0 }),
});
export const MessagesQuerySchema = z.object({
  after_seq: queryInteger({ min: 0, max: MAX_INT32, fallback: 0 }),
  limit: queryInteger({ min: 1, max: 500, fallback: 100 }),
});

export const IdempotencyHeadersSchema = z.looseObject({
  "idempotency-key": id.optional(),
  "last-event-id": eventPosition.optional(),
});

const UsageSchema = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cached_input_tokens: z.number(),
  reasoning_tokens: z.number(),
  cost_usd: z.string(),
  llm_calls: z.number(),
});

export const RunAcceptedSchema = z.object({
  run_id: z.string(),
  session_id: z.string(),
  kind: z.enum(["run", "resume"]),
  status: z.string(),
  replayed: z.boolean(),
  events_url: z.string(),
});

export const RunSchema = z.object({
  run_id: z.string(),
  session_id: z.string(),
  kind: z.enum(["run", "resume"]),
  parent_run_id: z.string().nullable(),
  workflow: z.string(),
  status: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  attempts: z.number(),
  cancel_requested: z.boolean(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  usage: UsageSchema,
  llm_calls: z.array(LlmCallSchema).describe("every provider call of the run, oldest first"),
});

export const SessionSchema = z.object({
  session_id: z.string(),
  workflow: z.string(),
  status: z.string(),
  active_run_id: z.string().nullable(),
  message_count: z.number(),
  last_seq: z.number(),
  version: z.number(),
  usage: UsageSchema,
  state_snapshot: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
  llm_calls: z
    .array(LlmCallSchema)
    .describe("the session's provider calls, oldest first (at most 1000)"),
});

export const SessionListSchema = z.object({
  sessions: z.array(SessionSchema.omit({ state_snapshot: true, llm_calls: true })),
  limit: z.number(),
  offset: z.number(),
});

export const MessageListSchema = z.object({
  messages: z.array(z.looseObject({ id: z.string(), role: z.string() })),
  next_after_seq: z.number().nullable(),
});

export const CancelAcceptedSchema = z.object({ run_id: z.string(), status: z.string() });

export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: jsonObject.optional() }),
});
