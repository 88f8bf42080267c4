import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RunAcceptance } from "../../core/agent/application/run-request.js";
import { type AgUiDialect, dialectOf } from "./agui-dialect.js";
import { type AuthOptions, createAuthenticator } from "./dependencies.js";
import { llmCallJson } from "./metering-json.js";
import { meteringRoutes } from "./metering-routes.js";
import {
  CancelAcceptedSchema,
  ErrorSchema,
  EventsQuerySchema,
  IdempotencyHeadersSchema,
  MessageListSchema,
  MessagesQuerySchema,
  PageQuerySchema,
  ResumeBodySchema,
  RunAcceptedSchema,
  RunAgentInputSchema,
  RunParamsSchema,
  RunSchema,
  SessionListSchema,
  SessionParamsSchema,
  SessionSchema,
} from "./schemas.js";
import {
  type AgentApiServices,
  eventsUrl,
  messagesJson,
  runJson,
  sessionJson,
  toRunRequest,
} from "./service.js";
import { assertAcceptsEventStream, streamRunEvents, wantsEventStream } from "./sse.js";

/**
 * 202 for an accepted run: its events as SSE (RUN_STARTED at once, then the stream) when the
 * client asks for them, else the run's ids once it is on the queue.
 */
async function answerAccepted({
  request,
  reply,
  accepted,
  services,
  stallTimeoutMs,
  dialect,
}: {
  request: FastifyRequest;
  reply: FastifyReply;
  accepted: RunAcceptance;
  services: AgentApiServices;
  stallTimeoutMs: number;
  dialect: AgUiDialect;
}) {
  if (wantsEventStream(request)) {
    return streamRunEvents({
      request,
      reply,
      status: 202,
      stallTimeoutMs,
      dialect,
      ...(accepted.startEvent ? { first: accepted.startEvent } : {}),
      ready: accepted.dispatched,
      open: ({ signal, onIdle }) =>
        services.conversations.follow({
          runId: accepted.runId,
          ...(accepted.startEvent ? { after: accepted.startEvent.id } : {}),
          signal,
          onIdle,
        }),
    });
  }
  await accepted.dispatched;
  return reply.status(202).send({
    run_id: accepted.runId,
    session_id: accepted.sessionId,
    kind: accepted.kind,
    status: accepted.status,
    replayed: accepted.replayed,
    events_url: eventsUrl(accepted.runId),
  });
}

export interface AgentRouterOptions {
  services: AgentApiServices;
  auth: AuthOptions;
  /** How long an SSE write may wait for a client that reads nothing before it is let go. */
  streamStallTimeoutMs: number;
}

const errors = {
  400: ErrorSchema,
  401: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  413: ErrorSchema,
  415: ErrorSchema,
  429: ErrorSchema,
};

/**
 * /api/v1/agent: HTTP only. Each route authenticates, validates, calls one application
 * service and shapes the answer; errors are thrown and rendered by the v1 error handler.
 */
export const agentRouter: FastifyPluginAsyncZod<AgentRouterOptions> = async (
  app,
  { services, auth, streamStallTimeoutMs },
) => {
  const authenticate = createAuthenticator(auth);
  app.decorateRequest("userId", "");
  app.decorateRequest("isAdmin", false);
  // onRequest: auth needs only headers, so an unauthenticated body is never parsed or validated.
  app.addHook("onRequest", async (request) => {
    const principal = await authenticate(request);
    request.userId = principal.userId;
    request.isAdmin = principal.admin;
  });
  await app.register(meteringRoutes, { services });

  app.post(
    "/runs",
    {
      schema: {
        summary: "Start a run (AG-UI RunAgentInput); SSE with Accept: text/event-stream",
        body: RunAgentInputSchema,
        headers: IdempotencyHeadersSchema,
        response: { 202: RunAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers["idempotency-key"];
      const accepted = await services.runs.enqueueRun({
        userId: request.userId,
        request: toRunRequest(request.body),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      // A client that declares no protocol version is a pre-1.0 one (agui-dialect.ts).
      const dialect = dialectOf(request.body.protocolVersion);
      return answerAccepted({
        request,
        reply,
        accepted,
        services,
        dialect,
        stallTimeoutMs: streamStallTimeoutMs,
      });
    },
  );

  app.get(
    "/runs/:runId",
    {
      schema: {
        summary: "A run: status, timings, usage and the per-call breakdown",
        params: RunParamsSchema,
        response: { 200: RunSchema, ...errors },
      },
    },
    async (request) => {
      const run = await services.conversations.run({
        runId: request.params.runId,
        userId: request.userId,
      });
      return {
        ...runJson(run),
        llm_calls: (await services.usage.callsOfRun(run.id)).map(llmCallJson),
      };
    },
  );

  app.get(
    "/runs/:runId/events",
    {
      schema: {
        summary: "A run's AG-UI events as SSE, from the start or after Last-Event-ID / ?after=",
        params: RunParamsSchema,
        querystring: EventsQuerySchema,
        headers: IdempotencyHeadersSchema,
      },
    },
    async (request, reply) => {
      assertAcceptsEventStream(request);
      const after = request.headers["last-event-id"] ?? request.query.after;
      // Ownership first: a stranger's run is a plain 404, before any stream opens.
      await services.conversations.run({ runId: request.params.runId, userId: request.userId });
      const { protocolVersion } = request.query;
      return streamRunEvents({
        request,
        reply,
        status: 200,
        stallTimeoutMs: streamStallTimeoutMs,
        // Our own route: 1.0 unless the follower asks for an older dialect.
        dialect: protocolVersion === undefined ? "1.0" : dialectOf(protocolVersion),
        open: ({ signal, onIdle }) =>
          services.conversations.follow({
            runId: request.params.runId,
            ...(after ? { after } : {}),
            signal,
            onIdle,
          }),
      });
    },
  );

  app.post(
    "/runs/:runId/resume",
    {
      schema: {
        summary: "Answer a paused run: tool results, approvals or AG-UI resume entries",
        params: RunParamsSchema,
        body: ResumeBodySchema,
        headers: IdempotencyHeadersSchema,
        response: { 202: RunAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers["idempotency-key"];
      const { body } = request;
      const accepted = await services.resumes.enqueueResume({
        userId: request.userId,
        request: {
          parentRunId: request.params.runId,
          ...(body.run_id ? { runId: body.run_id } : {}),
          toolResults: body.tool_results,
          approvals: body.approvals,
          ...(body.resume ? { resume: body.resume } : {}),
        },
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      return answerAccepted({
        request,
        reply,
        accepted,
        services,
        dialect: "1.0",
        stallTimeoutMs: streamStallTimeoutMs,
      });
    },
  );

  app.post(
    "/runs/:runId/cancel",
    {
      schema: {
        summary: "Cancel a queued or running run (a queued run no worker holds ends at once)",
        params: RunParamsSchema,
        response: { 202: CancelAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const result = await services.cancels.cancel({
        runId: request.params.runId,
        userId: request.userId,
      });
      return reply.status(202).send({ run_id: result.runId, status: result.status });
    },
  );

  app.get(
    "/sessions",
    {
      schema: {
        summary: "The caller's sessions, most recent first",
        querystring: PageQuerySchema,
        response: { 200: SessionListSchema },
      },
    },
    async (request) => {
      const sessions = await services.conversations.sessions({
        userId: request.userId,
        ...request.query,
      });
      return {
        sessions: sessions.map((session) => {
          const { state_snapshot: _snapshot, ...rest } = sessionJson(session);
          return rest;
        }),
        ...request.query,
      };
    },
  );

  app.get(
    "/sessions/:sessionId",
    {
      schema: {
        summary: "A session: status, state_snapshot, usage and the per-call breakdown",
        params: SessionParamsSchema,
        response: { 200: SessionSchema, ...errors },
      },
    },
    async (request) => {
      const session = await services.conversations.session({
        sessionId: request.params.sessionId,
        userId: request.userId,
      });
      return {
        ...sessionJson(session),
        llm_calls: (await services.usage.callsOfSession(session.id)).map(llmCallJson),
      };
    },
  );

  app.delete(
    "/sessions/:sessionId",
    {
      schema: {
        summary: "Delete (hide) a session",
        params: SessionParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await services.conversations.deleteSession({
        sessionId: request.params.sessionId,
        userId: request.userId,
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/sessions/:sessionId/messages",
    {
      schema: {
        summary: "Persisted history in seq order, AG-UI message shape",
        params: SessionParamsSchema,
        querystring: MessagesQuerySchema,
        response: { 200: MessageListSchema, ...errors },
      },
    },
    async (request) => {
      const { after_seq, limit } = request.query;
      const stored = await services.conversations.messages({
        sessionId: request.params.sessionId,
        userId: request.userId,
        afterSeq: after_seq,
        limit,
      });
      return messagesJson(stored, limit);
    },
  );

  app.get(
    "/agents",
    { schema: { summary: "The resolved workflows, agents and backend tools (no secrets)" } },
    async () => services.conversations.agents(),
  );
};
