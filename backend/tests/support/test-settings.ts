import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { loadSettings, type Settings } from "../../src/core/config/settings.js";

export const TEST_JWT_SECRET = "test-secret-0123456789abcdef0123456789abcdef";

/**
 * Environment variables for a service under test: the run's throwaway database, a Redis key
 * prefix of its own (so parallel files never share queues or streams), short queue timings,
 * and `extra` on top (e.g. the scripted LLM's base URL).
 */
export function testEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const prefix = `${inject("redisPrefix")}-${randomBytes(4).toString("hex")}`;
  return {
    SOCIAL_ENV: "test",
    SOCIAL_DATABASE__URL: inject("databaseUrl"),
    SOCIAL_DATABASE__POOL_MAX: "10",
    SOCIAL_REDIS__URL: inject("redisUrl"),
    SOCIAL_REDIS__KEY_PREFIX: prefix,
    SOCIAL_QUEUE__NAME: "runs",
    SOCIAL_QUEUE__LOCK_DURATION_MS: "2000",
    SOCIAL_QUEUE__STALLED_INTERVAL_MS: "1000",
    SOCIAL_QUEUE__BACKOFF_MS: "200",
    SOCIAL_QUEUE__SHUTDOWN_GRACE_MS: "1000",
    SOCIAL_AUTH__JWT_SECRET: TEST_JWT_SECRET,
    SOCIAL_EVENTS__HEARTBEAT_MS: "1000",
    SOCIAL_LLM__MAX_RETRIES: "1",
    SOCIAL_LLM__REQUEST_TIMEOUT_MS: "20000",
    SOCIAL_LOG__LEVEL: "error",
    SOCIAL_WORKER__METRICS_PORT: "0",
    // The run supervisor acts on every run of its database, other tests' too: tests that need
    // it turn it on with a database of their own (tests/support/isolated-database.ts).
    SOCIAL_SUPERVISOR__ENABLED: "false",
    ...extra,
  };
}

/** Settings parsed exactly as the service parses them (no .env file). */
export function testSettings(extra: Record<string, string> = {}): Settings {
  return loadSettings(testEnvironment(extra), undefined);
}

/** Base URL of the scripted server as the deepseek provider override (the default model). */
export function scriptedDeepseek(baseUrl: string): Record<string, string> {
  return {
    SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK: "test-key",
    SOCIAL_LLM__PROVIDER_BASE_URLS__DEEPSEEK: baseUrl,
    SOCIAL_LLM__DEFAULT_MODEL_CODE: "deepseek-v3.2",
  };
}
