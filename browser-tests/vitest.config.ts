import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Run with the repository's vitest (`npm run test:browser` at the root), so the backend's test
// support (throwaway database, services, scripted model) is the same module instance.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // One browser and one service pair at a time: the CI machine has two cores.
    fileParallelism: false,
    globalSetup: ["../backend/tests/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
