import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** Where `npm run build -w playground` writes the page: `playground/dist` in the repository. */
export function defaultPlaygroundDir(): string {
  return fileURLToPath(new URL("../../../playground/dist", import.meta.url));
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>agent-runtime playground</title>
<p>The playground is not built. Run <code>npm run build -w playground</code> (or <code>npm start</code>,
which builds it) and reload.</p>`;

/**
 * The playground: the static files of the `playground` workspace at /playground/ (same origin
 * as the api, so it needs no CORS), and `/` redirects there. Without a build it answers with a
 * page that says how to make one.
 */
export async function registerPlayground(
  app: FastifyInstance,
  { distDir }: { distDir: string },
): Promise<void> {
  app.get("/", { schema: { hide: true } }, (_request, reply) => reply.redirect("/playground/"));
  app.get("/playground", { schema: { hide: true } }, (_request, reply) =>
    reply.redirect("/playground/", 301),
  );
  if (!existsSync(join(distDir, "index.html"))) {
    app.log.warn({ distDir }, "the playground is not built; /playground/ says how to build it");
    app.get("/playground/", { schema: { hide: true } }, (_request, reply) =>
      reply.type("text/html; charset=utf-8").send(NOT_BUILT),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: "/playground/",
    decorateReply: false,
    cacheControl: false,
    // Hashed asset names never change; the page itself must always be fresh.
    setHeaders: (response, path) => {
      response.setHeader(
        "cache-control",
        path.endsWith(".html") ? "no-cache" : "public, max-age=31536000, immutable",
      );
    },
  });
}
