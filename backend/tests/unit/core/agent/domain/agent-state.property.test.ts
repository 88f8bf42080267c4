import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyPredictedState,
  applyStatePatch,
  jsonEqual,
  mergeClientState,
  predictedStateFor,
  restorePredictedState,
  StatePatchError,
  stateDelta,
} from "../../../../../src/core/agent/domain/index.js";

const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)));
const state = fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 5 });

describe("the shared-state rules", () => {
  it("a STATE_DELTA computed between two states turns the first into the second", () => {
    fc.assert(
      fc.property(state, state, (before, after) => {
        expect(jsonEqual(applyStatePatch(before, stateDelta(before, after)), after)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("applying a patch never changes its input, and a refused patch is a StatePatchError", () => {
    fc.assert(
      fc.property(
        state,
        fc.array(
          fc.record({
            op: fc.constantFrom("add", "remove", "replace", "test", "move", "copy", "bogus"),
            path: fc.constantFrom("", "/a", "/a/0", "/missing/x", "/-"),
            from: fc.constantFrom("/a", "/b"),
            value: json,
          }),
          { maxLength: 4 },
        ),
        (before, operations) => {
          const copy = structuredClone(before);
          try {
            const after = applyStatePatch(before, operations);
            expect(typeof after === "object" && after !== null && !Array.isArray(after)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(StatePatchError);
          }
          expect(before).toEqual(copy);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("the client merge keeps every stored key the client does not send and takes every key it sends", () => {
    fc.assert(
      fc.property(state, state, (stored, client) => {
        const merged = mergeClientState(stored, client);
        for (const key of Object.keys(stored))
          if (!(key in client)) expect(merged[key]).toEqual(stored[key]);
        for (const key of Object.keys(client)) expect(merged[key]).toEqual(client[key]);
        expect(mergeClientState(stored, {})).toBe(stored);
        expect(mergeClientState(stored, undefined)).toBe(stored);
      }),
    );
  });

  it("a rejected prediction puts every predicted key back exactly as it was", () => {
    fc.assert(
      fc.property(
        state,
        fc.array(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
        json,
        (before, keys, value) => {
          const entries = keys.map((key) => ({ state_key: key, tool_argument: "value" }));
          const predicted = predictedStateFor({ entries, state: before });
          const proposed = applyPredictedState(before, predicted, { value });
          const restored = restorePredictedState(proposed, predicted);
          expect(restored).toEqual(before);
          expect(Object.keys(restored).sort()).toEqual(Object.keys(before).sort());
        },
      ),
    );
  });
});
