import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  inputText,
  inputTexts,
  missingInputs,
  pickInputs,
} from "../../../../../src/core/agent/domain/run-inputs.js";

const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const jsonValue = fc.jsonValue();

describe("run inputs", () => {
  it("writes strings as they are, numbers and booleans as text, JSON values as JSON, and drops null", () => {
    expect(inputText("AI agents")).toBe("AI agents");
    expect(inputText(2026)).toBe("2026");
    expect(inputText(false)).toBe("false");
    expect(inputText({ a: [1, "b"] })).toBe('{"a":[1,"b"]}');
    expect(inputText(null)).toBeUndefined();
    expect(inputText(undefined)).toBeUndefined();
  });

  it("never loses a given value and never invents one (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(name, jsonValue), (values) => {
        const texts = inputTexts(values);
        for (const [key, value] of Object.entries(values)) {
          if (value === null) expect(Object.hasOwn(texts, key)).toBe(false);
          else expect(typeof texts[key]).toBe("string");
        }
        expect(Object.keys(texts).every((key) => Object.hasOwn(values, key))).toBe(true);
      }),
    );
  });

  it("keeps only the declared names: extra inputs are ignored (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(name, fc.string()), fc.array(name), (values, declared) => {
        const picked = pickInputs(values, declared);
        expect(Object.keys(picked).every((key) => declared.includes(key))).toBe(true);
        for (const key of declared) {
          if (Object.hasOwn(values, key)) expect(picked[key]).toBe(values[key]);
        }
      }),
    );
  });

  it("is missing exactly the required names neither the inputs nor the state give (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ name, required: fc.boolean() }), {
          selector: (entry) => entry.name,
        }),
        fc.dictionary(name, fc.oneof(fc.string(), fc.constant(null))),
        fc.dictionary(name, fc.oneof(fc.integer(), fc.constant(null))),
        (declared, inputs, state) => {
          const missing = missingInputs({ declared, inputs, state });
          const given = (values: Record<string, unknown>, key: string) =>
            Object.hasOwn(values, key) && values[key] !== null;
          expect(missing).toEqual(
            declared
              .filter(
                (entry) =>
                  entry.required && !given(inputs, entry.name) && !given(state, entry.name),
              )
              .map((entry) => entry.name),
          );
        },
      ),
    );
  });
});
