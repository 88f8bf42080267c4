import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { limitToolResult } from "../../../../../../src/core/agent/infrastructure/tools/tool-result-limit.js";

describe("limitToolResult", () => {
  it("keeps a result within the limit as it is", () => {
    const result = { order_id: "A-1", items: [1, 2] };
    expect(limitToolResult(result, 1000)).toBe(result);
  });

  it("cuts a larger one to its first bytes, with a note, never mid-character", () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: "grapheme", minLength: 1, maxLength: 200 })
          .filter((text) => !text.includes("\uFFFD")),
        fc.integer({ min: 1, max: 50 }),
        (text, max) => {
          const limited = limitToolResult({ text }, max);
          const size = Buffer.byteLength(JSON.stringify({ text }), "utf8");
          if (size <= max) {
            expect(limited).toEqual({ text });
            return;
          }
          expect(typeof limited).toBe("string");
          const [kept, note] = String(limited).split("\n[truncated: ");
          expect(Buffer.byteLength(kept ?? "", "utf8")).toBeLessThanOrEqual(max);
          expect(kept).not.toContain("\uFFFD");
          expect(JSON.stringify({ text }).startsWith(kept ?? "")).toBe(true);
          expect(note).toBe(`the result was ${size} bytes; only the first ${max} are shown]`);
        },
      ),
    );
  });
});
