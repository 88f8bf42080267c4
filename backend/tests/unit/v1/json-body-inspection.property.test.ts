import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonBodyProblem } from "../../../src/v1/json-body-inspection.js";

const inspect = (body: unknown, maxDepth = 64) => findJsonBodyProblem(body, { maxDepth });

/** JSON with storable text only (no NUL, no unpaired surrogates), a few levels deep. */
const storableJson = fc
  .jsonValue({ maxDepth: 4 })
  // JSON.stringify escapes NUL and unpaired surrogates, so their escapes show what to skip.
  .filter((value) => !/\\u0000|\\ud[89a-f]/i.test(JSON.stringify(value)));

function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

/** Every path to a string leaf, as key lists. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return [path];
  if (typeof value !== "object" || value === null) return [];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  return entries.flatMap(([key, item]) => stringPaths(item, [...path, key]));
}

function withLeaf(value: unknown, path: (string | number)[], leaf: string): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value))
    return value.map((item, index) => (index === head ? withLeaf(item, rest, leaf) : item));
  return {
    ...(value as object),
    [head]: withLeaf((value as Record<string, unknown>)[head], rest, leaf),
  };
}

describe("JSON body inspection", () => {
  it("finds nothing wrong in storable JSON within the depth limit", () => {
    fc.assert(
      fc.property(storableJson, (body) => {
        fc.pre(depthOf(body) <= 64);
        expect(inspect(body)).toBeUndefined();
      }),
    );
  });

  it("names the exact string that holds NUL or an unpaired surrogate", () => {
    const bodyWithString = storableJson.filter((body) => stringPaths(body).length > 0);
    fc.assert(
      fc.property(
        bodyWithString,
        fc.nat(),
        fc.constantFrom("\u0000", "\uD800", "\uDFFF"),
        fc.string({ maxLength: 5 }),
        (body, pick, bad, around) => {
          const paths = stringPaths(body);
          const path = paths[pick % paths.length] as (string | number)[];
          fc.pre(path.every((key) => typeof key === "number" || /^[\w-]{1,20}$/.test(key)));
          const problem = inspect(withLeaf(body, path, `${around}${bad}${around}`));
          expect(problem?.field).toBe(["body", ...path].join("."));
          expect(problem?.message).toMatch(bad === "\u0000" ? /U\+0000/ : /surrogate/);
        },
      ),
    );
  });

  it("refuses nesting exactly when it is deeper than the limit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 100 }),
        (depth, maxDepth) => {
          const problem = inspect(nested(depth), maxDepth);
          expect(problem === undefined).toBe(depth <= maxDepth);
          if (problem) expect(problem.message).toBe(`is nested deeper than ${maxDepth} levels`);
        },
      ),
    );
  });

  it("walks a million levels without recursion (no stack overflow)", () => {
    const deep = JSON.parse(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`);
    const problem = inspect(deep);
    expect(problem?.message).toBe("is nested deeper than 64 levels");
    // The field name stays short however deep the body is.
    expect(problem?.field).toBe(`body.${"0.".repeat(12)}…`);
  });

  it.each([
    ['{"__proto__": {"x": 1}}', "body.__proto__", "(__proto__)"],
    ['{"a": [{"__proto__": null}]}', "body.a.0.__proto__", "(__proto__)"],
    ['{"constructor": {"prototype": {}}}', "body.constructor", "(constructor.prototype)"],
  ])("names a poisoning key in %s", (text, field, kind) => {
    expect(inspect(JSON.parse(text))).toEqual({ field, message: `is a forbidden key ${kind}` });
  });

  it("keeps a long or unprintable key short and printable in the field name", () => {
    const problem = inspect({ [`${"k".repeat(100)}\u0001`]: "\u0000" });
    expect(problem?.field).toBe(`body.${"k".repeat(64)}…`);
    expect(inspect({ "a\u0000": 1 })).toEqual({
      field: "body.a\uFFFD",
      message: "is a key that contains U+0000 (NUL), which cannot be stored",
    });
  });
});
