// Copies what the compiled build reads at run time besides JavaScript: the shipped CrewAI-format
// YAML (resolved next to the code, like the sources do under src/).
import { cpSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const backend = dirname(dirname(fileURLToPath(import.meta.url)));
cpSync(join(backend, "src/core/config/static"), join(backend, "dist/core/config/static"), {
  recursive: true,
});
