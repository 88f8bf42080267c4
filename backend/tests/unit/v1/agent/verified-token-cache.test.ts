import { describe, expect, it } from "vitest";
import { VerifiedTokenCache } from "../../../../src/v1/agent/verified-token-cache.js";

describe("verified-token cache", () => {
  it("forgets a token at its own expiry even inside the cache's minute", () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache(() => now);
    cache.set("t", "alice", (now + 10_000) / 1000);
    now += 9_999;
    expect(cache.get("t")).toBe("alice");
    now += 1;
    expect(cache.get("t")).toBeUndefined();
  });

  it("keeps an entry at most a minute, so a long-lived token is verified again", () => {
    let now = 0;
    const cache = new VerifiedTokenCache(() => now);
    cache.set("t", "alice", 86_400);
    now = 59_999;
    expect(cache.get("t")).toBe("alice");
    now = 60_000;
    expect(cache.get("t")).toBeUndefined();
  });

  it("stays within its size bound, dropping the oldest entry", () => {
    const cache = new VerifiedTokenCache(() => 0, 2);
    cache.set("a", "1", 100);
    cache.set("b", "2", 100);
    cache.set("c", "3", 100);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, "2", "3"]);
  });
});
