import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

/**
 * Swagger UI at /docs over the OpenAPI document `@fastify/swagger` builds from the routes' zod
 * schemas; the document itself at /docs/openapi.json (and /docs/json, /docs/yaml). Register
 * after `@fastify/swagger`.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    uiConfig: { persistAuthorization: true, displayRequestDuration: true },
  });
  app.get("/docs/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
