import { describe, expect, it } from "vitest";
import {
  loadSettings,
  redactSettings,
  SettingsError,
} from "../../../../src/core/config/settings.js";

const load = (environment: Record<string, string>) => loadSettings(environment, undefined);

describe("settings: budgets and telemetry", () => {
  it("has budgets off and no trace endpoint by default", () => {
    const settings = load({});
    expect(settings.budgets).toMatchObject({
      enabled: false,
      user: { period: "monthly" },
      soft_limit_ratio: 0.8,
      max_output_tokens: 4096,
      reservation_ttl_seconds: 600,
      unpriced: "tokens_only",
    });
    expect(settings.telemetry.traces_endpoint).toBeUndefined();
    expect(settings.auth).toMatchObject({
      admin_claim: "scope",
      admin_value: "agent-runtime:admin",
    });
  });

  it("keeps USD limits as exact decimal strings", () => {
    const settings = load({
      SOCIAL_BUDGETS__ENABLED: "true",
      SOCIAL_BUDGETS__USER__USD: "12.345678901234",
      SOCIAL_BUDGETS__RUN__TOKENS: "50000",
    });
    expect(settings.budgets.user.usd).toBe("12.345678901234");
    expect(settings.budgets.run.tokens).toBe(50_000);
  });

  it("refuses a limit set while budgets are off, naming the variable", () => {
    expect(() => load({ SOCIAL_BUDGETS__USER__USD: "5" })).toThrow(SettingsError);
    try {
      load({ SOCIAL_BUDGETS__USER__USD: "5", SOCIAL_BUDGETS__RUN__TOKENS: "10" });
    } catch (error) {
      expect((error as SettingsError).variables.map((entry) => entry.variable)).toEqual([
        "SOCIAL_BUDGETS__USER__USD",
        "SOCIAL_BUDGETS__RUN__TOKENS",
      ]);
    }
  });

  it("refuses malformed amounts, ratios and periods", () => {
    for (const [variable, value] of [
      ["SOCIAL_BUDGETS__USER__USD", "-1"],
      ["SOCIAL_BUDGETS__USER__USD", "1.0000000000001"],
      ["SOCIAL_BUDGETS__USER__USD", "ten"],
      ["SOCIAL_BUDGETS__SOFT_LIMIT_RATIO", "0"],
      ["SOCIAL_BUDGETS__USER__PERIOD", "weekly"],
      ["SOCIAL_TELEMETRY__SAMPLE_RATIO", "2"],
      ["SOCIAL_TELEMETRY__TRACES_ENDPOINT", "not a url"],
      ["SOCIAL_TELEMETRY__HEADERS", "Authorization Basic abc"],
    ] as const) {
      expect(
        () => load({ SOCIAL_BUDGETS__ENABLED: "true", [variable]: value }),
        `${variable}=${value}`,
      ).toThrow(variable);
    }
  });

  it("redacts the export headers (they carry credentials)", () => {
    const settings = load({ SOCIAL_TELEMETRY__HEADERS: "Authorization=Basic secret" });
    expect(JSON.stringify(redactSettings(settings))).not.toContain("Basic secret");
  });
});
