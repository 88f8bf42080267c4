import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InProcessRuntime } from "../../support/in-process-runtime.js";

const built = mkdtempSync(join(tmpdir(), "playground-dist-"));
mkdirSync(join(built, "assets"));
writeFileSync(join(built, "index.html"), "<!doctype html><title>playground</title>");
writeFileSync(join(built, "assets", "app-1a2b3c.js"), "console.log('playground')");
afterAll(() => rmSync(built, { recursive: true, force: true }));

async function withRuntime(
  environment: Record<string, string>,
  options: { playground: boolean },
  body: (runtime: InProcessRuntime) => Promise<void>,
) {
  const runtime = await InProcessRuntime.start(environment, options);
  try {
    await body(runtime);
  } finally {
    await runtime.close();
  }
}

describe("the playground page", () => {
  it("is served at /playground/ from the build directory, with / redirecting there", async () => {
    await withRuntime(
      { SOCIAL_PLAYGROUND__DIST_DIR: built },
      { playground: true },
      async ({ app }) => {
        const page = await app.inject({ method: "GET", url: "/playground/" });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain("<title>playground</title>");
        expect(page.headers["cache-control"]).toBe("no-cache");
        const asset = await app.inject({ method: "GET", url: "/playground/assets/app-1a2b3c.js" });
        expect(asset.statusCode).toBe(200);
        expect(asset.headers["cache-control"]).toContain("immutable");
        const root = await app.inject({ method: "GET", url: "/" });
        expect(root.statusCode).toBe(302);
        expect(root.headers.location).toBe("/playground/");
        const bare = await app.inject({ method: "GET", url: "/playground" });
        expect(bare.statusCode).toBe(301);
        expect(bare.headers.location).toBe("/playground/");
      },
    );
  });

  it("says how to build it when the build is missing", async () => {
    const missing = join(built, "not-there");
    await withRuntime(
      { SOCIAL_PLAYGROUND__DIST_DIR: missing },
      { playground: true },
      async ({ app }) => {
        const page = await app.inject({ method: "GET", url: "/playground/" });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain("npm run build -w playground");
      },
    );
  });

  it("is not served when off", async () => {
    await withRuntime(
      { SOCIAL_PLAYGROUND__DIST_DIR: built },
      { playground: false },
      async ({ app }) => {
        expect((await app.inject({ method: "GET", url: "/playground/" })).statusCode).toBe(404);
        expect((await app.inject({ method: "GET", url: "/" })).statusCode).toBe(404);
      },
    );
  });
});
