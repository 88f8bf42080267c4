import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ToolConfig } from "../../../../../../src/core/agent/infrastructure/config/runtime-config.js";
import {
  expandToolSelectors,
  parseToolSelector,
} from "../../../../../../src/core/agent/infrastructure/config/tool-selectors.js";

const KINDS = ["builtin", "mcp", "http", "module"] as const;
const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);

function tool(name: string, handler: string): ToolConfig {
  return {
    name,
    description: name,
    parameters: { type: "object" },
    requires_approval: false,
    handler,
    side_effects: false,
    idempotent: false,
  };
}

describe("tool selectors", () => {
  it("parses <kind>:<source>/<tool> back to its parts, and a plain name as a name", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        segment,
        fc.oneof(segment, fc.constant("*")),
        (kind, source, name) => {
          expect(parseToolSelector(`${kind}:${source}/${name}`)).toEqual({
            type: "source",
            kind,
            source,
            tool: name,
          });
        },
      ),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/), (name) => {
        expect(parseToolSelector(name)).toEqual({ type: "name", name });
      }),
    );
  });

  it("never throws: any text is a selector or an error message", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseToolSelector(text);
        expect("error" in parsed || parsed.type === "name" || parsed.type === "source").toBe(true);
      }),
    );
    expect(parseToolSelector("tool:crm/x")).toEqual({
      error: 'unknown source kind "tool" (builtin, mcp, http, module)',
    });
    expect(parseToolSelector("crm:")).toMatchObject({ error: expect.any(String) });
  });

  it("expands to known names only, each once, in the order the selectors give", () => {
    const tools = Object.fromEntries(
      [
        tool("gh.create_issue", "github.create_issue"),
        tool("gh.search", "github.search"),
        tool("crm.create_ticket", "crm.create_ticket"),
        tool("srv.get_current_time", "builtin.get_current_time"),
      ].map((entry) => [entry.name, entry]),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            "mcp:github/*",
            "mcp:github/search",
            "http:crm/*",
            "srv.get_current_time",
            "gh.search",
            "mcp:gitlab/*",
          ),
        ),
        (selectors) => {
          const names = expandToolSelectors(selectors, tools);
          expect(new Set(names).size).toBe(names.length);
          for (const name of names) expect(Object.keys(tools)).toContain(name);
        },
      ),
    );
    expect(expandToolSelectors(["gh.search", "mcp:github/*", "http:crm/*"], tools)).toEqual([
      "gh.search",
      "gh.create_issue",
      "crm.create_ticket",
    ]);
  });
});
