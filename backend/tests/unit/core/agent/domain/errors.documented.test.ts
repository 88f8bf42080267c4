import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, httpStatusFor } from "../../../../../src/core/agent/domain/errors.js";

const routeDoc = readFileSync(
  fileURLToPath(new URL("../../../../../../docs/runtime/runtime-route.md", import.meta.url)),
  "utf8",
);

describe("the error catalogue and docs/runtime/runtime-route.md", () => {
  it("documents every error code with its HTTP status", () => {
    const rows = new Map(
      [...routeDoc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((match) => [
        match[1],
        Number(match[2]),
      ]),
    );
    for (const code of ERROR_CODES) {
      expect(rows.get(code), `${code} in runtime-route.md`).toBe(httpStatusFor(code));
    }
  });
});
