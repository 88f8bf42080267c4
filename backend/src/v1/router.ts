import type { FastifyInstance } from "fastify";
import { type AgentRouterOptions, agentRouter } from "./agent/router.js";
import { renderError } from "./error-handler.js";

/** Mounts the v1 API; its error handler renders every failure as `{ error: { code, message } }`. */
export async function v1Router(app: FastifyInstance, options: AgentRouterOptions): Promise<void> {
  app.setErrorHandler(renderError);
  await app.register(agentRouter, { ...options, prefix: "/agent" });
}
