import fastifyCors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

export interface CorsOptions {
  /** Exact origins (`scheme://host[:port]`), or `*` for any. Empty: CORS off. */
  origins: readonly string[];
  credentials: boolean;
  allowedHeaders: readonly string[];
  exposedHeaders: readonly string[];
  maxAgeSeconds: number;
}

/**
 * Cross-origin access for browser pages on other origins, with `@fastify/cors`. An allowed
 * origin is echoed back (never a literal `*`, so credentials work with any list); a refused
 * origin, or a request with none, gets no CORS header at all, and its preflight is not
 * answered (404). Preflights are answered in the `onRequest` hook, before authentication.
 */
export async function registerCors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  if (options.origins.length === 0) return;
  const anyOrigin = options.origins.includes("*");
  const allowed = new Set(options.origins.map((origin) => origin.toLowerCase()));
  await app.register(fastifyCors, {
    origin: (origin, callback) => {
      const accept = origin !== undefined && (anyOrigin || allowed.has(origin.toLowerCase()));
      callback(null, accept ? origin : false);
    },
    credentials: options.credentials,
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowedHeaders: [...options.allowedHeaders],
    exposedHeaders: [...options.exposedHeaders],
    maxAge: options.maxAgeSeconds,
    strictPreflight: false,
  });
}
