import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SettingsSchema } from "../../../../src/core/config/settings.js";

const envExample = readFileSync(
  fileURLToPath(new URL("../../../../../.env.example", import.meta.url)),
  "utf8",
);

/** Every leaf of the settings schema, as its SOCIAL_ variable name. */
function variables(schema: unknown, path: string[] = []): string[] {
  const shape = schema as {
    unwrap?: () => unknown;
    def?: { innerType?: unknown; shape?: Record<string, unknown> };
  };
  const inner = shape.def?.innerType;
  if (inner) return variables(inner, path);
  const fields = (schema as { shape?: Record<string, unknown> }).shape;
  if (fields && typeof fields === "object") {
    return Object.entries(fields).flatMap(([key, value]) => variables(value, [...path, key]));
  }
  return [`SOCIAL_${path.map((segment) => segment.toUpperCase()).join("__")}`];
}

describe(".env.example", () => {
  it("documents every setting", () => {
    const documented = new Set(
      [...envExample.matchAll(/SOCIAL_[A-Z0-9_]+/g)].map((match) => match[0]),
    );
    const all = variables(SettingsSchema);
    // The walk must reach the leaves, or this test would pass vacuously.
    expect(all).toContain("SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK");
    expect(all).toContain("SOCIAL_QUEUE__SHUTDOWN_GRACE_MS");
    expect(all.filter((name) => !documented.has(name))).toEqual([]);
  });

  it("parses as valid settings (the documented defaults work)", async () => {
    const { parseEnv } = await import("node:util");
    const { loadSettings } = await import("../../../../src/core/config/settings.js");
    expect(() =>
      loadSettings(parseEnv(envExample) as Record<string, string>, undefined),
    ).not.toThrow();
  });
});
