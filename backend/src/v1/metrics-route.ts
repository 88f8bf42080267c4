import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { RequestError } from "../core/agent/domain/errors.js";
import { bearerTokenOf } from "./bearer-credentials.js";

/** What the Prometheus registry offers a scrape (prom-client's `Registry`). */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * `GET /metrics`. With a token, a scrape must send `Authorization: Bearer <token>`; without,
 * the listener it is mounted on is trusted to be private (see `hardenedServerOptions`).
 */
export async function metricsRoute(
  app: FastifyInstance,
  { source, token }: { source: MetricsSource; token?: string | undefined },
): Promise<void> {
  const expected = token === undefined ? undefined : digest(token);
  app.get("/metrics", { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const presented = bearerTokenOf(request.headers.authorization);
      // Compared as digests, in constant time: neither the token nor its length leaks.
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        throw new RequestError({
          code: "UNAUTHORIZED",
          message: "/metrics needs its bearer token",
        });
      }
    }
    return reply.header("content-type", source.contentType).send(await source.metrics());
  });
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
