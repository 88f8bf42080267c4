import { defineConfig } from "vite";

// Built into dist/ and served by the api at /playground/ (same origin, so no CORS needed).
export default defineConfig({
  base: "/playground/",
  oxc: { jsx: { runtime: "automatic" } },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
});
