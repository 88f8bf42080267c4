/*
 * Text Postgres cannot store: U+0000 (refused by `text` and `jsonb`) and unpaired UTF-16
 * surrogates (not UTF-8; `jsonb` refuses their `\u` escapes). With the `u` flag a surrogate
 * pair is one code point, so `[\uD800-\uDFFF]` matches only unpaired halves.
 * Client input is refused with these checks; model and tool output is made storable by the
 * domain's own rule (the reliability work's `core/agent/domain/storable-text.ts`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ids and echoed names must have none
const CONTROL_OR_UNSTORABLE = /[\u0000-\u001f\u007f\uD800-\uDFFF]/gu;

export type UnstorableCharacter = "NUL" | "unpaired surrogate";

/** What in `text` Postgres cannot store, if anything. */
export function unstorableCharacterIn(text: string): UnstorableCharacter | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  return match[0] === "\u0000" ? "NUL" : "unpaired surrogate";
}

export function describeUnstorable(kind: UnstorableCharacter): string {
  return kind === "NUL"
    ? "contains U+0000 (NUL), which cannot be stored"
    : "contains an unpaired UTF-16 surrogate, which cannot be stored";
}

/** True when `text` has no control character and no unpaired surrogate (what an id may hold). */
export function isPlainText(text: string): boolean {
  CONTROL_OR_UNSTORABLE.lastIndex = 0;
  return !CONTROL_OR_UNSTORABLE.test(text);
}

/** `text` with control characters and unpaired surrogates replaced by U+FFFD, for echoing. */
export function printable(text: string): string {
  return text.replace(CONTROL_OR_UNSTORABLE, "\uFFFD");
}
