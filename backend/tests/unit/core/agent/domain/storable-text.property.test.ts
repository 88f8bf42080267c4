import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  storableJson,
  storableJsonText,
  storableText,
} from "../../../../../src/core/agent/domain/storable-text.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;
const anyText = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.constantFrom("\u0000", "a\uD800", "\uDC00b", "\uD83D\uDE00", "x\\u0000y", "\\\\u0000"),
);
const anyJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    anyText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyText, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Whether any one string or key holds an unstorable character (each checked on its own). */
function unstorableIn(value: unknown): boolean {
  if (typeof value === "string") return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(unstorableIn);
  if (value && typeof value === "object")
    return Object.entries(value).some(([key, item]) => UNSTORABLE.test(key) || unstorableIn(item));
  return false;
}

describe("the storable-text rule (NUL and unpaired surrogates → U+FFFD)", () => {
  it("leaves no unstorable character, keeps the length, is idempotent, and keeps clean text", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const stored = storableText(text);
        expect(UNSTORABLE.test(stored)).toBe(false);
        expect(stored.length).toBe(text.length);
        expect(storableText(stored)).toBe(stored);
        if (!UNSTORABLE.test(text)) expect(stored).toBe(text);
      }),
    );
  });

  it("applies to every string and key of a JSON value, and the JSON text agrees", () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const stored = storableJson(value);
        expect(unstorableIn(stored)).toBe(false);
        expect(JSON.parse(storableJsonText(value))).toEqual(JSON.parse(JSON.stringify(stored)));
        if (!unstorableIn(value)) expect(storableJsonText(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it("keeps a __proto__ key a plain key and walks deep nesting without recursion", () => {
    const poisoned = JSON.parse('{"__proto__":{"a":"\\u0000"}}');
    const stored = storableJson(poisoned) as Record<string, unknown>;
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.hasOwn(stored, "__proto__")).toBe(true);
    let deep: unknown = "\u0000";
    for (let level = 0; level < 100_000; level++) deep = [deep];
    let walked = storableJson(deep);
    for (let level = 0; level < 100_000; level++) walked = (walked as unknown[])[0];
    expect(walked).toBe("\uFFFD");
  });
});
