import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { type HttpTimeouts, hardenedServerOptions, useErrorShape } from "./v1/http-hardening.js";
import { type MetricsSource, metricsRoute } from "./v1/metrics-route.js";

/**
 * A listener of its own for /metrics and /healthz: the worker's (`SOCIAL_WORKER__METRICS_PORT`)
 * and, when `SOCIAL_METRICS__API_PORT` is set, the api's. Same timeouts and error shape as
 * the api; the token is asked for when one is configured.
 */
export async function buildMetricsServer({
  source,
  token,
  timeouts,
  logger,
}: {
  source: MetricsSource;
  token?: string | undefined;
  timeouts: HttpTimeouts;
  logger: FastifyBaseLogger;
}): Promise<FastifyInstance> {
  const app = Fastify({
    ...hardenedServerOptions(timeouts),
    loggerInstance: logger,
    bodyLimit: 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
  useErrorShape(app);
  app.get("/healthz", async () => ({ status: "ok" }));
  await app.register(metricsRoute, { source, token });
  return app;
}
