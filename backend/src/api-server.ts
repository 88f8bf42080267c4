import swagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Registry } from "prom-client";
import { registerApiTracing } from "./core/observability/tracing-fastify.js";
import { registerApiDocs } from "./http/api-docs.js";
import { type CorsOptions, registerCors } from "./http/cors.js";
import { registerPlayground } from "./http/playground.js";
import type { AuthOptions } from "./v1/agent/dependencies.js";
import type { AgentApiServices } from "./v1/agent/service.js";
import { v1Router } from "./v1/router.js";

export interface ApiServerOptions {
  services: AgentApiServices;
  auth: AuthOptions;
  bodyLimitBytes: number;
  logger: FastifyBaseLogger;
  metrics: Registry;
  /** Readiness probe: resolves when Postgres and Redis answer, throws otherwise. */
  checkReadiness: () => Promise<Record<string, "ok">>;
  /** Cross-origin access for browser pages (none when absent or without origins). */
  cors?: CorsOptions;
  /** Serve the playground page from this build directory (not served when absent). */
  playground?: { distDir: string };
  /** Trace API requests (OpenTelemetry); off: no hook is installed. */
  tracing?: boolean;
}

/**
 * The api process's HTTP app (built, not listening: `main.ts` listens, tests `inject`).
 * Routes: /api/v1/agent/*, /healthz, /readyz, /metrics, /docs (Swagger UI, /docs/openapi.json),
 * /playground/ when enabled.
 */
export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    // Per-request log lines cost more than the hot path itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    // Long-lived SSE responses must not be cut by the default timeouts.
    requestTimeout: 0,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  if (options.tracing) registerApiTracing(app);
  // First: its hooks must answer preflights and add headers before any route's own hooks.
  if (options.cors) await registerCors(app, options.cors);
  await app.register(swagger, {
    openapi: {
      info: { title: "agent-runtime", version: "1.0.0", description: "AG-UI agent backend" },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: "NOT_FOUND", message: `No route ${request.method} ${request.url}` } }),
  );
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    try {
      return { status: "ready", checks: await options.checkReadiness() };
    } catch (error) {
      return reply.status(503).send({
        status: "not ready",
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });
  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) =>
    reply.header("content-type", options.metrics.contentType).send(await options.metrics.metrics()),
  );
  await registerApiDocs(app);
  if (options.playground) await registerPlayground(app, options.playground);

  await app.register(v1Router, {
    prefix: "/api/v1",
    services: options.services,
    auth: options.auth,
  });
  return app;
}
