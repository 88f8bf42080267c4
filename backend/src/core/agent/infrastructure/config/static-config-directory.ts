import { fileURLToPath } from "node:url";

/** Absolute path of the shipped `src/core/config/static/crewai` directory. */
export function defaultStaticConfigDirectory(): string {
  return fileURLToPath(new URL("../../../config/static/crewai", import.meta.url));
}
