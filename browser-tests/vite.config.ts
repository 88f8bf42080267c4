import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The test pages, built once before the tests (npm run build) and served by the tests' own
// small server; CopilotKit is bundled as an app would bundle it.
export default defineConfig({
  root: fileURLToPath(new URL("./pages", import.meta.url)),
  base: "/",
  oxc: { jsx: { runtime: "automatic" } },
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 10_000,
    rollupOptions: {
      input: { copilotkit: fileURLToPath(new URL("./pages/copilotkit.html", import.meta.url)) },
    },
  },
  logLevel: "error",
});
