import { describe, expect, it } from "vitest";
import {
  loadSettings,
  redactSettings,
  SettingsError,
} from "../../../../src/core/config/settings.js";

const load = (environment: Record<string, string>) => loadSettings(environment, undefined);

describe("http, auth and metrics settings", () => {
  it("default to bounded timeouts, a depth limit, a token policy and no public /metrics", () => {
    const { http, auth, metrics } = load({});
    expect(http).toMatchObject({
      max_json_depth: 64,
      request_timeout_ms: 30_000,
      headers_timeout_ms: 10_000,
      keep_alive_timeout_ms: 72_000,
    });
    expect(auth).toMatchObject({
      require_exp: true,
      max_token_lifetime_seconds: 86_400,
      clock_skew_seconds: 30,
    });
    expect(metrics).toEqual({ api_port: 0 });
  });

  it("refuses a headers timeout longer than the request timeout (Node would refuse it)", () => {
    expect(() =>
      load({ SOCIAL_HTTP__REQUEST_TIMEOUT_MS: "1000", SOCIAL_HTTP__HEADERS_TIMEOUT_MS: "2000" }),
    ).toThrow(/SOCIAL_HTTP__HEADERS_TIMEOUT_MS/);
  });

  it.each([
    ["SOCIAL_HTTP__REQUEST_TIMEOUT_MS", "0"],
    ["SOCIAL_HTTP__MAX_JSON_DEPTH", "0"],
    ["SOCIAL_AUTH__MAX_TOKEN_LIFETIME_SECONDS", "-1"],
    ["SOCIAL_AUTH__CLOCK_SKEW_SECONDS", "3600"],
    ["SOCIAL_METRICS__TOKEN", "too-short"],
  ])("refuses %s=%s, naming the variable", (variable, value) => {
    try {
      load({ [variable]: value });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).variables.map((entry) => entry.variable)).toContain(variable);
    }
  });

  it("never prints the metrics token", () => {
    const settings = load({ SOCIAL_METRICS__TOKEN: "metrics-token-0123456789" });
    expect(JSON.stringify(redactSettings(settings))).not.toContain("metrics-token-0123456789");
  });
});
