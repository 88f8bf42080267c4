import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Project files a source file imports (static, dynamic and type-only), relative to src/. */
function projectImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [
    ...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, ".ts"));
}

function violations(layer: string, allowed: (target: string) => boolean): string[] {
  return sourceFiles(join(SRC, layer)).flatMap((file) =>
    projectImports(file)
      .filter((target) => !allowed(target))
      .map((target) => `${relative(SRC, file)} imports ${target}`),
  );
}

describe("dependency rules (ARCHITECTURE.md §3)", () => {
  it("v1/ imports only application services, domain types and itself: never the crew runtime, the LLM gateway, the queue worker or tool handlers", () => {
    const found = violations(
      "v1",
      (target) =>
        target.startsWith("v1/") ||
        target.startsWith("core/agent/application/") ||
        target.startsWith("core/agent/domain/"),
    );
    expect(found).toEqual([]);
  });

  it("domain/ imports nothing from the project outside domain/", () => {
    expect(
      violations("core/agent/domain", (target) => target.startsWith("core/agent/domain/")),
    ).toEqual([]);
  });

  it("application/ depends on the domain and its own ports, never on infrastructure or HTTP", () => {
    expect(
      violations(
        "core/agent/application",
        (target) =>
          target.startsWith("core/agent/application/") || target.startsWith("core/agent/domain/"),
      ),
    ).toEqual([]);
  });

  it("the checker sees imports: a planted violation is reported", () => {
    const file = join(SRC, "v1/agent/router.ts");
    expect(projectImports(file).some((target) => target.startsWith("v1/"))).toBe(true);
    const planted = [
      ...projectImports(file),
      "core/agent/infrastructure/crew/crew-runtime.ts",
    ].filter(
      (target) => !target.startsWith("v1/") && !target.startsWith("core/agent/application/"),
    );
    expect(planted).toContain("core/agent/infrastructure/crew/crew-runtime.ts");
  });
});
