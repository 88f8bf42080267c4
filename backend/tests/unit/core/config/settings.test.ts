import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadSettings,
  nestEnvironment,
  redactSettings,
  SettingsError,
} from "../../../../src/core/config/settings.js";

const noEnvFile = undefined;

function settingsError(environment: Record<string, string>): SettingsError {
  try {
    loadSettings(environment, noEnvFile);
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error("expected loadSettings to fail");
}

describe("settings", () => {
  it("test_llm_keys_read_from_settings: SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK reaches llm.provider_keys.deepseek", () => {
    const settings = loadSettings({ SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK: "k1" }, noEnvFile);
    expect(settings.llm.provider_keys.deepseek).toBe("k1");
    expect(settings.llm.provider_keys.openai).toBeUndefined();
  });

  it("reads every provider key and base URL override with __ nesting", () => {
    const settings = loadSettings(
      {
        SOCIAL_LLM__PROVIDER_KEYS__OPENAI: "o",
        SOCIAL_LLM__PROVIDER_KEYS__ANTHROPIC: "a",
        SOCIAL_LLM__PROVIDER_KEYS__OPENAI_COMPATIBLE: "c",
        SOCIAL_LLM__PROVIDER_BASE_URLS__DEEPSEEK: "http://127.0.0.1:9/v1",
        SOCIAL_HTTP__PORT: "9001",
      },
      noEnvFile,
    );
    expect(settings.llm.provider_keys).toEqual({
      openai: "o",
      anthropic: "a",
      openai_compatible: "c",
    });
    expect(settings.llm.provider_base_urls.deepseek).toBe("http://127.0.0.1:9/v1");
    expect(settings.http.port).toBe(9001);
  });

  it("has working defaults when nothing is set", () => {
    const settings = loadSettings({}, noEnvFile);
    expect(settings.database.url).toMatch(/^postgres:\/\//);
    expect(settings.redis.url).toBe("redis://127.0.0.1:6379");
    expect(settings.llm.default_model_code).toBe("auto");
    expect(settings.events.retention_seconds).toBe(3600);
    expect(settings.auth.disabled).toBe(false);
  });

  it("ignores variables without the SOCIAL_ prefix", () => {
    expect(nestEnvironment({ HTTP__PORT: "1", SOCIAL_HTTP__HOST: "h" })).toEqual({
      http: { host: "h" },
    });
  });

  it("fails on a malformed database URL, naming the variable", () => {
    const error = settingsError({ SOCIAL_DATABASE__URL: "not a url" });
    expect(error.variables.map((problem) => problem.variable)).toEqual(["SOCIAL_DATABASE__URL"]);
    expect(error.message).toContain("SOCIAL_DATABASE__URL");
  });

  it("fails on a non-numeric port, naming the variable", () => {
    const error = settingsError({ SOCIAL_HTTP__PORT: "eighty" });
    expect(error.variables.map((problem) => problem.variable)).toEqual(["SOCIAL_HTTP__PORT"]);
  });

  it("names every bad variable in one message", () => {
    const error = settingsError({
      SOCIAL_HTTP__PORT: "-1",
      SOCIAL_REDIS__URL: "http://localhost",
      SOCIAL_AUTH__JWKS_URL: "nope",
      SOCIAL_QUEUE__CONCURRENCY: "0",
    });
    expect(error.variables.map((problem) => problem.variable).sort()).toEqual([
      "SOCIAL_AUTH__JWKS_URL",
      "SOCIAL_HTTP__PORT",
      "SOCIAL_QUEUE__CONCURRENCY",
      "SOCIAL_REDIS__URL",
    ]);
    for (const problem of error.variables) expect(error.message).toContain(problem.variable);
  });

  it("refuses to disable auth in production", () => {
    const error = settingsError({ SOCIAL_ENV: "production", SOCIAL_AUTH__DISABLED: "true" });
    expect(error.variables[0]?.variable).toBe("SOCIAL_AUTH__DISABLED");
  });

  it("reads a .env file, and real variables win over it", () => {
    const directory = mkdtempSync(join(tmpdir(), "settings-"));
    const file = join(directory, ".env");
    writeFileSync(file, "SOCIAL_HTTP__PORT=7001\nSOCIAL_LLM__PROVIDER_KEYS__OPENAI=from-file\n");
    const settings = loadSettings({ SOCIAL_HTTP__PORT: "7002" }, file);
    expect(settings.http.port).toBe(7002);
    expect(settings.llm.provider_keys.openai).toBe("from-file");
  });

  it("returns frozen settings", () => {
    const settings = loadSettings({}, noEnvFile);
    expect(Object.isFrozen(settings.llm)).toBe(true);
  });

  it("redacts provider keys, the JWT secret and URL passwords", () => {
    const settings = loadSettings(
      {
        SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK: "sk-secret",
        SOCIAL_AUTH__JWT_SECRET: "jwt-secret",
        SOCIAL_DATABASE__URL: "postgres://app:hunter2@db.example:5432/agent",
        SOCIAL_REDIS__URL: "redis://:redispw@cache:6379",
      },
      noEnvFile,
    );
    const printed = JSON.stringify(redactSettings(settings));
    for (const secret of ["sk-secret", "jwt-secret", "hunter2", "redispw"]) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).toContain("db.example");
  });
});
