// Playwright config for the agent-runtime conformance run (copied into the dojo's e2e folder
// by dojo/prepare-dojo.mjs). Debian's Chromium, one worker (2-core machines), no retries, a
// JSON report the results table is built from.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  globalSetup: "./agent-runtime-global-setup.ts",
  timeout: 120_000,
  testDir: "./tests",
  retries: 0,
  workers: 1,
  fullyParallel: false,
  use: {
    headless: true,
    viewport: { width: 1280, height: 720 },
    navigationTimeout: 90_000,
    actionTimeout: 20_000,
    testIdAttribute: "data-testid",
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3010",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
  expect: { timeout: 45_000 },
  reporter: [["list"], ["json", { outputFile: process.env.DOJO_RESULTS ?? "dojo-results.json" }]],
});
