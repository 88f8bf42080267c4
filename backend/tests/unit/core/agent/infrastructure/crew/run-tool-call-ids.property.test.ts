import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ToolCallIdAllocator } from "../../../../../../src/core/agent/infrastructure/crew/run-tool-call-ids.js";

const providerId: fc.Arbitrary<string> = fc.constantFrom(
  "call_0",
  "call_1",
  "call_get_weather_3",
  "call_0-2",
  "x",
);

describe("tool-call ids unique per conversation", () => {
  it("never hands out an id already taken or handed out, and keeps a new provider id as it is", () => {
    fc.assert(
      fc.property(
        fc.array(providerId, { maxLength: 6 }),
        fc.array(fc.tuple(fc.constantFrom("start", "complete"), providerId), { maxLength: 12 }),
        (taken, steps) => {
          const allocator = new ToolCallIdAllocator(taken);
          const used = new Set(taken);
          const completed: string[] = [];
          for (const [kind, id] of steps) {
            if (kind === "start") {
              const fresh = !used.has(id);
              const assigned = allocator.start(id);
              expect(used.has(assigned)).toBe(false);
              if (fresh) expect(assigned).toBe(id);
              expect(assigned).toMatch(/^[A-Za-z0-9_-]+$/);
              used.add(assigned);
            } else {
              completed.push(allocator.complete(id));
              used.add(completed.at(-1) as string);
            }
          }
          expect(new Set(completed).size).toBe(completed.length);
          for (const id of completed) expect(taken).not.toContain(id);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("maps the parts of one streamed call to one id", () => {
    const allocator = new ToolCallIdAllocator(["call_0"]);
    const started = allocator.start("call_0");
    expect(allocator.of("call_0")).toBe(started);
    expect(allocator.complete("call_0")).toBe(started);
    expect(started).toBe("call_0-2");
  });
});
