import { z } from "zod";
import type { RunJob } from "../../application/ports/run-job.js";

/**
 * Every job name and the zod schema of its data, checked when a job is enqueued and again
 * when a worker picks it up (a job written by an older or newer version fails loudly).
 */
const jsonObject = z.record(z.string(), z.unknown());

const ToolCallSchema = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const ChatMessageSchema = z.discriminatedUnion("role", [
  z.object({
    id: z.string(),
    role: z.literal("user"),
    content: z.union([z.string(), z.array(z.unknown())]),
  }),
  z.object({ id: z.string(), role: z.literal("system"), content: z.string() }),
  z.object({
    id: z.string(),
    role: z.literal("assistant"),
    content: z.string().optional(),
    toolCalls: z.array(ToolCallSchema).optional(),
  }),
  z.object({
    id: z.string(),
    role: z.literal("tool"),
    content: z.string(),
    toolCallId: z.string(),
    error: z.string().optional(),
  }),
]);

const ResumeDecisionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("result"),
    toolCallId: z.string(),
    content: z.string(),
    error: z.string().optional(),
  }),
  z.object({
    kind: z.literal("approve"),
    toolCallId: z.string(),
    editedArgs: jsonObject.optional(),
  }),
  z.object({
    kind: z.literal("reject"),
    toolCallId: z.string(),
    reason: z.string().optional(),
    cancelled: z.boolean().optional(),
  }),
]);

export const RunJobSchema = z.object({
  kind: z.enum(["run", "resume"]),
  runId: z.string().min(1),
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  messages: z.array(ChatMessageSchema),
  clientTools: z.array(
    z.object({ name: z.string(), description: z.string(), parameters: jsonObject.optional() }),
  ),
  state: jsonObject.optional(),
  inputs: z.record(z.string(), z.string()).optional(),
  context: z.array(z.object({ description: z.string(), value: z.string() })).optional(),
  decisions: z.array(ResumeDecisionSchema),
  /** W3C trace context of the api request that queued the run (absent: tracing off). */
  traceContext: z.record(z.string(), z.string()).optional(),
});

export function parseRunJob(data: unknown): RunJob {
  return RunJobSchema.parse(data) as RunJob;
}
