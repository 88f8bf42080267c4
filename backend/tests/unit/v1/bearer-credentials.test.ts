import { describe, expect, it } from "vitest";
import { bearerTokenOf } from "../../../src/v1/bearer-credentials.js";

describe("bearer credentials (RFC 6750 §2.1)", () => {
  it.each([
    "Bearer abc.def-ghi_jkl",
    "bearer abc.def-ghi_jkl",
    "BEARER abc.def-ghi_jkl",
    "Bearer   abc.def-ghi_jkl  ",
  ])("reads the token of %j whatever the scheme's case", (header) => {
    expect(bearerTokenOf(header)).toBe("abc.def-ghi_jkl");
  });

  it("keeps b64token padding", () => {
    expect(bearerTokenOf("Bearer YWJj==")).toBe("YWJj==");
  });

  it.each([
    undefined,
    "",
    "Bearer",
    "Bearer ",
    "Basic YWxhZGRpbjpvcGVu",
    "Token abc",
    "Bearerabc",
    "Bearer a b",
    "Bearer a\u0000b",
    "Bearer =abc",
  ])("finds no bearer token in %j", (header) => {
    expect(bearerTokenOf(header)).toBeUndefined();
  });
});
