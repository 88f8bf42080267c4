#!/usr/bin/env node
// Prepares a throw-away copy of the AG-UI dojo (ag-ui-protocol/ag-ui, apps/dojo) to run its
// Playwright specs against agent-runtime. Nothing of the dojo is committed here: this script
// copies it from an ag-ui checkout (or a bare git dir), drops the workspace packages of the
// other integrations, and writes three files of ours into the copy (harness/*): an agents.ts
// pointing the targeted integrations at the proxy, a Playwright config using Debian's Chromium,
// and a global setup that starts the dojo's aimock. The spec files stay unchanged.
//
//   node dojo/prepare-dojo.mjs <ag-ui checkout or git dir> <work dir>
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [source, work] = process.argv.slice(2).map((path) => path && resolve(path));
if (!source || !work) {
  console.error("usage: node dojo/prepare-dojo.mjs <ag-ui checkout or git dir> <work dir>");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const dojo = join(work, "dojo");
rmSync(dojo, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
if (existsSync(join(source, "apps/dojo/package.json"))) {
  cpSync(join(source, "apps/dojo"), dojo, {
    recursive: true,
    filter: (path) => !path.includes("node_modules") && !path.includes("/.next"),
  });
} else {
  // A bare git dir (e.g. a mirror): write each file of apps/dojo from its blob. A mirror may
  // lack large generated blobs (src/files.json): the dojo's dev script regenerates those.
  const listing = execFileSync("git", ["--git-dir", source, "ls-tree", "-r", "HEAD", "apps/dojo"], {
    maxBuffer: 1 << 28,
  }).toString();
  for (const line of listing.split("\n").filter(Boolean)) {
    const [meta, path] = line.split("\t");
    const [, type, sha] = meta.split(" ");
    if (type !== "blob") continue;
    const target = join(dojo, path.slice("apps/dojo/".length));
    mkdirSync(dirname(target), { recursive: true });
    try {
      writeFileSync(
        target,
        execFileSync("git", ["--git-dir", source, "cat-file", "blob", sha], {
          maxBuffer: 1 << 28,
          stdio: ["ignore", "pipe", "ignore"],
        }),
      );
    } catch {
      console.warn(`skipped ${path}: not in ${source}`);
    }
  }
}

// Only what the pages under test and CopilotKit's runtime need; every other integration's
// framework (Mastra, LangChain, Claude SDK, A2A, …) goes.
const DROP = [
  /^@ag-ui\//,
  /^@mastra\//,
  /^mastra$/,
  /^@langchain\//,
  /^@anthropic-ai\//,
  /^@a2a-js\//,
];
const pkgPath = join(dojo, "package.json");
const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
for (const field of ["dependencies", "devDependencies"]) {
  for (const name of Object.keys(pkg[field] ?? {})) {
    if (
      DROP.some((pattern) => pattern.test(name)) ||
      String(pkg[field][name]).startsWith("workspace:")
    )
      delete pkg[field][name];
  }
}
delete pkg.peerDependencies;
// The HttpAgent of the pages' CopilotKit release (1.61.2 pins @ag-ui/client 0.0.57), and the
// e2e folder's Playwright runner.
pkg.dependencies["@ag-ui/client"] = process.env.DOJO_AGUI_CLIENT ?? "0.0.57";
pkg.devDependencies["@playwright/test"] = process.env.DOJO_PLAYWRIGHT ?? "1.65.1";
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

copyFileSync(join(here, "harness/agents.ts"), join(dojo, "src/agents.ts"));
copyFileSync(
  join(here, "harness/playwright.config.ts"),
  join(dojo, "e2e/playwright.agent-runtime.config.ts"),
);
copyFileSync(
  join(here, "harness/global-setup.ts"),
  join(dojo, "e2e/agent-runtime-global-setup.ts"),
);
// The e2e folder is a package of its own (type: module); its dependencies come from the dojo's.
const e2ePkgPath = join(dojo, "e2e/package.json");
const e2ePkg = JSON.parse(readFileSync(e2ePkgPath, "utf8"));
e2ePkg.dependencies = {};
e2ePkg.devDependencies = {};
e2ePkg.scripts = {};
writeFileSync(e2ePkgPath, `${JSON.stringify(e2ePkg, null, 2)}\n`);
console.log(`dojo prepared in ${dojo}`);
