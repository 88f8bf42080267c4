import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const domainDirectory = fileURLToPath(
  new URL("../../../../../src/core/agent/domain/", import.meta.url),
);
const sources = readdirSync(domainDirectory)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => ({ file, text: readFileSync(`${domainDirectory}${file}`, "utf8") }));

/** Every `import … from "x"` / `export … from "x"` / `import("x")` specifier with its statement. */
function imports(text: string): { statement: string; specifier: string }[] {
  const pattern =
    /(?:^|\n)\s*((?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["'])|import\(\s*["']([^"']+)["']\s*\)/g;
  return [...text.matchAll(pattern)].map((match) => ({
    statement: match[1] ?? match[0],
    specifier: (match[2] ?? match[3]) as string,
  }));
}

describe("the domain boundary", () => {
  it("has source files and imports to check", () => {
    expect(sources.map(({ file }) => file)).toContain("state-snapshot.ts");
    const specifiers = new Set(
      sources.flatMap(({ text }) => imports(text).map((found) => found.specifier)),
    );
    expect(specifiers).toContain("zod");
    expect(specifiers).toContain("@ag-ui/core");
    expect(specifiers).toContain("./errors.js");
  });

  // fast-json-patch is pure computation (RFC 6902 apply/compare): the state rules live here.
  it("imports nothing from the project outside domain/, only zod, fast-json-patch and types from @ag-ui/core", () => {
    const offending: string[] = [];
    for (const { file, text } of sources) {
      for (const { statement, specifier } of imports(text)) {
        const sibling = /^\.\/[a-z0-9-]+\.js$/.test(specifier);
        const typeOnlyAgui =
          specifier === "@ag-ui/core" && /^import\s+type\b/.test(statement.trim());
        if (!(sibling || specifier === "zod" || specifier === "fast-json-patch" || typeOnlyAgui)) {
          offending.push(`${file}: ${specifier}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it("never reads the clock, randomness or the environment", () => {
    const forbidden = /\bDate\.now\(|new Date\(\)|Math\.random\(|process\.env|crypto\.randomUUID/;
    const offending = sources.filter(({ text }) => forbidden.test(text)).map(({ file }) => file);
    expect(offending).toEqual([]);
  });
});
