/*
 * The storable-text rule for what a run produces (model text, tool arguments, tool results,
 * state it derived from them): Postgres cannot store U+0000 (`text` and `jsonb` refuse it) or
 * an unpaired UTF-16 surrogate (not UTF-8; `jsonb` refuses its `\u` escape), so each is
 * replaced by U+FFFD REPLACEMENT CHARACTER, in strings and in object keys, and the run goes on.
 * Client input is never rewritten: the API refuses it with 400 naming the field.
 * With the `u` flag a surrogate pair is one code point, so `[\uD800-\uDFFF]` matches only
 * unpaired halves.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const HAS_UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;
/**
 * What JSON.stringify writes for the same characters: `\u0000` and lower-case `\udXXX` escapes
 * (paired surrogates are written raw). An escaped backslash before `u0000` also matches; that
 * only costs a second, exact pass.
 */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/;

export const REPLACEMENT_CHARACTER = "\uFFFD";

/** `text` with NUL and unpaired surrogates replaced by U+FFFD. */
export function storableText(text: string): string {
  if (!HAS_UNSTORABLE.test(text)) return text;
  return text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}

/**
 * `value` with the rule applied to every string and key; the same value when nothing needed
 * replacing. Nesting is walked without recursion (model output may nest deeply).
 */
export function storableJson<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (typeof value !== "object" || value === null) return value;
  const root: { value: unknown } = { value: undefined };
  const stack: { source: unknown; assign: (copy: unknown) => void }[] = [
    { source: value, assign: (copy) => (root.value = copy) },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { source, assign } = item;
    if (typeof source === "string") {
      assign(storableText(source));
    } else if (Array.isArray(source)) {
      const copy: unknown[] = new Array(source.length);
      assign(copy);
      source.forEach((element, index) => {
        stack.push({ source: element, assign: (child) => (copy[index] = child) });
      });
    } else if (typeof source === "object" && source !== null && !(source instanceof Date)) {
      const copy: Record<string, unknown> = {};
      assign(copy);
      for (const [key, element] of Object.entries(source)) {
        const storableKey = storableText(key);
        // Defined now (in order, and a key named `__proto__` stays a plain key), filled later.
        Object.defineProperty(copy, storableKey, {
          value: undefined,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        stack.push({ source: element, assign: (child) => (copy[storableKey] = child) });
      }
    } else {
      assign(source);
    }
  }
  return root.value as T;
}

/**
 * `JSON.stringify(value)` that Postgres can store: the rule is applied only when the text
 * shows something to replace, so the usual case costs one scan of the text.
 */
export function storableJsonText(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined || !UNSTORABLE_ESCAPE.test(text)) return text;
  return JSON.stringify(storableJson(value));
}
