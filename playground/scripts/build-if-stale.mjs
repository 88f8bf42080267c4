// Builds the playground when dist/ is missing or older than any source file, so `npm start`
// serves an up-to-date page without paying for a build every time.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, "dist", "index.html");

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ["src", "index.html", "vite.config.ts", "package.json"].map((name) =>
  join(root, name),
);
if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest))) {
  console.log("playground: up to date");
} else {
  console.log("playground: building (vite build)…");
  const { build } = await import("vite");
  await build({ root, logLevel: "warn" });
}
