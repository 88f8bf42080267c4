#!/usr/bin/env node
// `agent-runtime <api|worker|all|migrate|start>`: runs the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
