import swagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { RETRY_AFTER_SECONDS } from "./core/agent/application/dependency-outage.js";
import { registerApiTracing } from "./core/observability/tracing-fastify.js";
import { registerApiDocs } from "./http/api-docs.js";
import { type CorsOptions, registerCors } from "./http/cors.js";
import { registerPlayground } from "./http/playground.js";
import type { AuthOptions } from "./v1/agent/dependencies.js";
import type { AgentApiServices } from "./v1/agent/service.js";
import { type HttpTimeouts, hardenedServerOptions, useErrorShape } from "./v1/http-hardening.js";
import { useJsonBodies } from "./v1/json-body-parser.js";
import { type MetricsSource, metricsRoute } from "./v1/metrics-route.js";
import { v1Router } from "./v1/router.js";

/** What `/readyz` reports of one dependency. */
export type DependencyState = "ok" | "unreachable";

export interface ApiServerOptions {
  services: AgentApiServices;
  auth: AuthOptions;
  http: HttpTimeouts & {
    bodyLimitBytes: number;
    /** Deepest nesting a JSON body may have. */
    maxJsonDepth: number;
    /** How long an SSE write may wait for a client that reads nothing. */
    streamStallTimeoutMs: number;
  };
  logger: FastifyBaseLogger;
  metrics: {
    source: MetricsSource;
    /** Serve /metrics on the api port (else it has its own listener, or none). */
    onApiPort: boolean;
    token?: string;
  };
  /**
   * Readiness probe: each dependency's state, within a second (a dependency that does not
   * answer in time is unreachable). Never throws.
   */
  checkReadiness: () => Promise<Record<string, DependencyState>>;
  /** Cross-origin access for browser pages (none when absent or without origins). */
  cors?: CorsOptions;
  /** Serve the playground page from this build directory (not served when absent). */
  playground?: { distDir: string };
  /** Trace API requests (OpenTelemetry); off: no hook is installed. */
  tracing?: boolean;
}

/**
 * The api process's HTTP app (built, not listening: `main.ts` listens, tests `inject`).
 * Routes: /api/v1/agent/*, /healthz, /readyz, /metrics (when served here), /docs (Swagger UI,
 * /docs/openapi.json), /playground/ when enabled.
 */
export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...hardenedServerOptions(options.http),
    loggerInstance: options.logger,
    bodyLimit: options.http.bodyLimitBytes,
    // Per-request log lines cost more than the hot path itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  useErrorShape(app);
  useJsonBodies(app, { maxDepth: options.http.maxJsonDepth });
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

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const checks = await options.checkReadiness();
    const down = Object.keys(checks).filter((name) => checks[name] !== "ok");
    if (down.length === 0) return { status: "ready", checks };
    return reply
      .status(503)
      .header("retry-after", String(RETRY_AFTER_SECONDS))
      .send({
        status: "not ready",
        checks,
        error: {
          code: "SERVICE_UNAVAILABLE",
          message: `${down.join(" and ")} ${down.length > 1 ? "are" : "is"} unreachable`,
          details: { dependency: down[0], dependencies: down },
        },
      });
  });
  if (options.metrics.onApiPort) {
    await app.register(metricsRoute, {
      source: options.metrics.source,
      token: options.metrics.token,
    });
  }
  await registerApiDocs(app);
  if (options.playground) await registerPlayground(app, options.playground);

  await app.register(v1Router, {
    prefix: "/api/v1",
    services: options.services,
    auth: options.auth,
    streamStallTimeoutMs: options.http.streamStallTimeoutMs,
  });
  return app;
}
