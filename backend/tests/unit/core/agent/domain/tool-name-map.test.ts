import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createToolNameMap,
  PROVIDER_FUNCTION_NAME,
  toolNameLookalikeKey,
} from "../../../../../src/core/agent/domain/index.js";
import { expectAgentError } from "./fixtures.js";

describe("mapping tool names to provider function names", () => {
  it("replaces dots when that is unambiguous and maps back", () => {
    const map = createToolNameMap(["srv.transfer_funds", "ui.navigate_to"]);
    expect(map.toProvider("srv.transfer_funds")).toBe("srv_transfer_funds");
    expect(map.fromProvider("srv_transfer_funds")).toBe("srv.transfer_funds");
    expect(map.entries()).toEqual([
      ["srv.transfer_funds", "srv_transfer_funds"],
      ["ui.navigate_to", "ui_navigate_to"],
    ]);
  });

  it("keeps already valid names as they are, even when another name would sanitise to them", () => {
    const map = createToolNameMap(["a.b", "a_b"]);
    expect(map.toProvider("a_b")).toBe("a_b");
    expect(map.toProvider("a.b")).toMatch(/^a_b_[0-9a-f]{8}$/);
    expect(map.fromProvider(map.toProvider("a.b"))).toBe("a.b");
  });

  it("separates two invalid names that sanitise alike", () => {
    const map = createToolNameMap(["a.b", "a b"]);
    expect(map.toProvider("a.b")).not.toBe(map.toProvider("a b"));
    expect(map.toProvider("a.b")).toMatch(/^a_b_[0-9a-f]{8}$/);
  });

  it("re-hashes when a valid tool name already holds the hashed name", () => {
    const hashed = createToolNameMap(["a.b", "a_b"]).toProvider("a.b");
    const map = createToolNameMap(["a.b", "a_b", hashed]);
    expect(map.toProvider(hashed)).toBe(hashed);
    expect(map.toProvider("a.b")).not.toBe(hashed);
    expect(map.toProvider("a.b")).toMatch(/^a_b_[0-9a-f]{8}$/);
    expect(map.fromProvider(map.toProvider("a.b"))).toBe("a.b");
  });

  it("shortens names longer than 64 characters with a stable hash", () => {
    const long = `srv.${"x".repeat(100)}`;
    const name = createToolNameMap([long]).toProvider(long);
    expect(name).toHaveLength(64);
    expect(name).toMatch(PROVIDER_FUNCTION_NAME);
    expect(createToolNameMap([long, "other"]).toProvider(long)).toBe(name);
  });

  it("maps names made only of invalid characters, and the empty name", () => {
    const map = createToolNameMap(["ツール", ""]);
    expect(map.toProvider("ツール")).toMatch(PROVIDER_FUNCTION_NAME);
    expect(map.toProvider("")).toMatch(/^tool_[0-9a-f]{8}$/);
  });

  it("refuses to map a name it was not built with, and answers undefined for unknown functions", () => {
    const map = createToolNameMap(["srv.lookup"]);
    expectAgentError(() => map.toProvider("srv.other"), "UNKNOWN_TOOL");
    expect(map.fromProvider("srv_other")).toBeUndefined();
  });
});

describe("tool name map properties", () => {
  const character = fc.constantFrom(..."abcXYZ019._- /:ü🙂".split(""), "🙂");
  const toolName = fc.oneof(
    fc.string({ unit: character, maxLength: 12 }),
    fc.string({ unit: character, minLength: 60, maxLength: 90 }),
    fc.constantFrom("a.b", "a_b", "a-b", "a b", "srv.transfer_funds", "srv_transfer_funds"),
  );
  const names = fc.array(toolName, { maxLength: 25 });

  it("is bijective, collision-free and produces only valid function names", () => {
    fc.assert(
      fc.property(names, (list) => {
        const map = createToolNameMap(list);
        const unique = [...new Set(list)];
        const functionNames = unique.map((name) => map.toProvider(name));
        expect(new Set(functionNames).size).toBe(unique.length);
        for (const [index, name] of unique.entries()) {
          expect(functionNames[index]).toMatch(PROVIDER_FUNCTION_NAME);
          expect(map.fromProvider(functionNames[index] as string)).toBe(name);
        }
        expect(map.entries()).toHaveLength(unique.length);
      }),
      { numRuns: 300 },
    );
  });

  it("depends only on the set of names, not their order or repetition", () => {
    fc.assert(
      fc.property(
        names.chain((list) =>
          fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })),
        ),
        ([list, shuffled]) => {
          const repeated = [...shuffled, ...shuffled.slice(0, 3)];
          expect(createToolNameMap(repeated).entries()).toEqual(createToolNameMap(list).entries());
        },
      ),
      { numRuns: 200 },
    );
  });

  it("maps every already valid name to itself", () => {
    fc.assert(
      fc.property(names, (list) => {
        const map = createToolNameMap(list);
        for (const name of list.filter((candidate) => PROVIDER_FUNCTION_NAME.test(candidate))) {
          expect(map.toProvider(name)).toBe(name);
        }
      }),
    );
  });
});

describe("backend tools keep their function names (one namespace as the model sees it)", () => {
  it("maps reserved names first: a client or history name cannot push a backend tool aside", () => {
    const map = createToolNameMap(["srv.transfer_funds", "srv_transfer_funds"], {
      reserved: ["srv.transfer_funds"],
    });
    expect(map.toProvider("srv.transfer_funds")).toBe("srv_transfer_funds");
    expect(map.toProvider("srv_transfer_funds")).toMatch(/^srv_transfer_funds_[0-9a-f]{8}$/);
    expect(map.fromProvider("srv_transfer_funds")).toBe("srv.transfer_funds");
  });

  it("gives the backend tools the same names whatever else is in the set", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 8 }), (others) => {
        const backend = ["srv.transfer_funds", "srv.get_current_time"];
        const alone = createToolNameMap(backend, { reserved: backend });
        const crowded = createToolNameMap([...backend, ...others], { reserved: backend });
        for (const name of backend) expect(crowded.toProvider(name)).toBe(alone.toProvider(name));
      }),
    );
  });

  it("calls names look-alikes when only case, accents and separators differ", () => {
    const key = toolNameLookalikeKey("srv.transfer_funds");
    for (const name of [
      "srv_transfer_funds",
      "SRV-Transfer-Funds",
      "srv transfer funds",
      "srvtransferfunds",
    ])
      expect(toolNameLookalikeKey(name)).toBe(key);
    expect(toolNameLookalikeKey("srv.transfer_fund")).not.toBe(key);
  });
});
