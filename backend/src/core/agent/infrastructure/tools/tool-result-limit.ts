/**
 * Keeps a tool result within `maxBytes` (UTF-8 of its JSON, or of the text): a larger one
 * becomes its first bytes as text plus a note the model can read, never an error.
 */
export function limitToolResult(result: unknown, maxBytes: number): unknown {
  const text = typeof result === "string" ? result : (JSON.stringify(result ?? null) ?? "null");
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return result;
  // A cut in the middle of a character decodes to U+FFFD; drop it rather than show it.
  const kept = Buffer.from(text, "utf8")
    .subarray(0, maxBytes)
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
  return `${kept}\n[truncated: the result was ${bytes} bytes; only the first ${maxBytes} are shown]`;
}
