// Compiles the backend (`npm run build`) when dist/ is missing or older than any source file,
// so `npm start` on a fresh clone runs the compiled build without paying for tsc every time.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const backend = dirname(dirname(fileURLToPath(import.meta.url)));
// Written after each successful build: tsc's incremental build leaves unchanged outputs as
// they were, so their times do not tell when the build last ran.
const stamp = join(backend, "dist", ".built");

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ["src", "tsconfig.json", "tsconfig.build.json", "package.json"].map((name) =>
  join(backend, name),
);
const started = Date.now();
if (!existsSync(stamp) || statSync(stamp).mtimeMs < Math.max(...sources.map(newest))) {
  console.error("backend: compiling (npm run build)…");
  const result = spawnSync("npm", ["run", "--silent", "build"], { cwd: backend, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
}
