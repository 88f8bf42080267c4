#!/usr/bin/env node
// `agent-runtime <api|worker|all|migrate|start>`: the compiled build (`npm run build`) with
// plain node; without one, the TypeScript sources through tsx (development).
import { existsSync } from "node:fs";

const compiled = new URL("../dist/main.js", import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
