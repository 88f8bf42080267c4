import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interpolate } from "../../../../../../src/core/agent/infrastructure/config/index.js";
import { placeholderNames } from "../../../../../../src/core/agent/infrastructure/config/interpolate.js";

describe("interpolate", () => {
  it("replaces every occurrence of each known placeholder", () => {
    const result = interpolate("Research {topic}. Report on {topic} for {current_year}.", {
      topic: "AI agents",
      current_year: "2026",
    });

    expect(result).toEqual({
      text: "Research AI agents. Report on AI agents for 2026.",
      missing: [],
    });
  });

  it("leaves unknown placeholders in place and lists each once", () => {
    const result = interpolate("{message} / {intent} / {intent} / {other-name}", {
      message: "hi",
    });

    expect(result.text).toBe("hi / {intent} / {intent} / {other-name}");
    expect(result.missing).toEqual(["intent", "other-name"]);
  });

  it("does not touch JSON-looking braces", () => {
    const template = 'Answer as {"label": "question", "score": 1} or {"nested": {"a": [1, 2]}}; {}';

    expect(interpolate(template, { label: "x", nested: "y", a: "z" })).toEqual({
      text: template,
      missing: [],
    });
  });

  it("leaves doubled braces verbatim instead of treating them as placeholders", () => {
    const result = interpolate("Use {{message}} literally, not {message}.", { message: "hi" });

    expect(result).toEqual({ text: "Use {{message}} literally, not hi.", missing: [] });
  });

  it("does not scan substituted values again", () => {
    const result = interpolate("User said: {message}", { message: "{intent} {{x}}", intent: "no" });

    expect(result.text).toBe("User said: {intent} {{x}}");
  });

  it("ignores placeholders that are not identifiers and inherited object keys", () => {
    const result = interpolate("{1st} {a b} { spaced } {toString}", {});

    expect(result.text).toBe("{1st} {a b} { spaced } {toString}");
    expect(result.missing).toEqual(["toString"]);
  });
});

describe("placeholderNames", () => {
  it("lists the names a template uses, once each, in order, ignoring doubled braces and JSON", () => {
    expect(placeholderNames('{topic} {{not}} {"a": 1} {year} {topic} {{ {x} }}')).toEqual([
      "topic",
      "year",
      "x",
    ]);
  });

  it("is what interpolate with no variables reports missing (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom("{a}", "{b_2}", "{{", "}}", "{", "}", "{x-y}", '{"k"}'),
            fc.string(),
          ),
          {
            maxLength: 12,
          },
        ),
        (parts) => {
          const template = parts.join("");
          expect(placeholderNames(template)).toEqual(interpolate(template, {}).missing);
        },
      ),
    );
  });
});
