import type { FastifyInstance } from "fastify";
import { type AgentRouterOptions, agentRouter } from "./agent/router.js";

/** Mounts the v1 API; failures are rendered by the app's error handler (`useErrorShape`). */
export async function v1Router(app: FastifyInstance, options: AgentRouterOptions): Promise<void> {
  await app.register(agentRouter, { ...options, prefix: "/agent" });
}
