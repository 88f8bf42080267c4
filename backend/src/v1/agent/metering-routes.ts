import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { normalizeDecimal } from "../../core/agent/domain/decimal.js";
import { RequestError } from "../../core/agent/domain/errors.js";
import { budgetStateJson, usageReportJson } from "./metering-json.js";
import {
  BudgetOverrideBodySchema,
  BudgetStateSchema,
  UsageQuerySchema,
  UsageReportSchema,
  UserParamsSchema,
} from "./metering-schemas.js";
import { ErrorSchema } from "./schemas.js";
import type { AgentApiServices } from "./service.js";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

function requireAdmin(request: FastifyRequest): void {
  if (!request.isAdmin) {
    throw new RequestError({
      code: "FORBIDDEN",
      message: "This route needs the admin scope",
    });
  }
}

/**
 * The metering API (registered inside /api/v1/agent, behind its auth hook): the caller's
 * spend, the caller's budget, and the admin's per-user budget overrides.
 */
export const meteringRoutes: FastifyPluginAsyncZod<{ services: AgentApiServices }> = async (
  app,
  { services },
) => {
  app.get(
    "/usage",
    {
      schema: {
        summary: "Spend over a window (UTC), grouped by day, model, agent or user",
        querystring: UsageQuerySchema,
        response: { 200: UsageReportSchema, ...errors },
      },
    },
    async (request) => {
      const { from, to, group_by, user_id } = request.query;
      return usageReportJson(
        await services.usage.usage({
          caller: { userId: request.userId, admin: request.isAdmin },
          groupBy: group_by,
          ...(user_id ? { userId: user_id } : {}),
          ...(from ? { from: new Date(from) } : {}),
          ...(to ? { to: new Date(to) } : {}),
        }),
      );
    },
  );

  app.get(
    "/budget",
    {
      schema: {
        summary: "The caller's budget: limits, spend in the period, reservations, reset time",
        response: { 200: BudgetStateSchema, ...errors },
      },
    },
    async (request) => budgetStateJson(await services.budgets.state({ userId: request.userId })),
  );

  app.get(
    "/admin/budgets/:userId",
    {
      schema: {
        summary: "A user's budget (admin scope)",
        params: UserParamsSchema,
        response: { 200: BudgetStateSchema, ...errors },
      },
    },
    async (request) => {
      requireAdmin(request);
      return budgetStateJson(await services.budgets.state({ userId: request.params.userId }));
    },
  );

  app.put(
    "/admin/budgets/:userId",
    {
      schema: {
        summary: "Set a user's budget override (admin scope)",
        params: UserParamsSchema,
        body: BudgetOverrideBodySchema,
        response: { 200: BudgetStateSchema, ...errors },
      },
    },
    async (request) => {
      requireAdmin(request);
      const { usd, tokens, period } = request.body;
      return budgetStateJson(
        await services.budgets.setOverride({
          userId: request.params.userId,
          by: request.userId,
          override: {
            ...(usd === undefined ? {} : { usd: usd === null ? null : normalizeDecimal(usd) }),
            ...(tokens === undefined ? {} : { tokens }),
            ...(period === undefined ? {} : { period }),
          },
        }),
      );
    },
  );

  app.delete(
    "/admin/budgets/:userId",
    {
      schema: {
        summary: "Remove a user's budget override: the defaults apply again (admin scope)",
        params: UserParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const removed = await services.budgets.deleteOverride({ userId: request.params.userId });
      if (!removed) {
        throw new RequestError({
          code: "NOT_FOUND",
          message: `User ${request.params.userId} has no budget override`,
        });
      }
      return reply.status(204).send(null);
    },
  );
};
