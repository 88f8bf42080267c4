import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";

/**
 * Typed, validated settings. This is the only module that reads `process.env`; everything
 * else receives a `Settings` object. Variables use the prefix `SOCIAL_` and `__` for nesting:
 * `SOCIAL_LLM__PROVIDER_KEYS__DEEPSEEK` → `llm.provider_keys.deepseek`.
 */
export const ENV_PREFIX = "SOCIAL_";

const optionalSecret = z.string().min(1).optional();
const optionalUrl = z.url().optional();
const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const flag = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no"])])
  .transform((value) => value === true || value === "true" || value === "1" || value === "yes");

/** A comma-separated list in an env variable (an array when given as one). */
const commaList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(","))
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
const origin = z.string().refine((value) => value === "*" || /^https?:\/\/[^/\s]+$/.test(value), {
  message: 'must be "*" or origins like https://app.example.com (scheme, host, optional port)',
});

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^/]*\/?[^/]*$/.test(value) && URL.canParse(value), {
    message: "must be a postgres:// or postgresql:// URL",
  });
const redisUrl = z.string().refine((value) => /^rediss?:\/\//.test(value) && URL.canParse(value), {
  message: "must be a redis:// or rediss:// URL",
});

const providerMap = <T extends z.ZodType>(value: T) =>
  z
    .object({
      deepseek: value.optional(),
      openai: value.optional(),
      anthropic: value.optional(),
      openai_compatible: value.optional(),
    })
    .default({});

const usdAmount = z
  .union([z.number(), z.string()])
  .transform((value) => String(value).trim())
  .refine((value) => /^\d+(\.\d{1,12})?$/.test(value), {
    message: "must be a non-negative USD amount with at most 12 decimals",
  });

/** A limit of one budget scope; unset fields mean "no limit". */
const scopeLimit = {
  /** USD the scope may spend (exact decimal). */
  usd: usdAmount.optional(),
  /** Tokens (input + output) the scope may use. */
  tokens: positiveInt.optional(),
};

const BudgetSettingsSchema = z
  .object({
    /**
     * Enforce budgets: every model call first reserves its estimated cost in Postgres (one
     * statement) and is refused with BUDGET_EXCEEDED when a limit would be exceeded.
     * @defaultValue false
     */
    enabled: flag.default(false),
    /** Default limit of each user over `period` (per-user overrides: admin route). */
    user: z
      .object({
        ...scopeLimit,
        /** daily | monthly (calendar, UTC) | none (lifetime). @defaultValue "monthly" */
        period: z.enum(["daily", "monthly", "none"]).default("monthly"),
      })
      .prefault({}),
    /** Default limit of one session, over its lifetime (per-agent overrides: agents.yaml). */
    session: z.object(scopeLimit).prefault({}),
    /** Default limit of one run (per-agent overrides: agents.yaml). */
    run: z.object(scopeLimit).prefault({}),
    /** Share of a limit at which a run is warned (CUSTOM budget_warning, metric). @defaultValue 0.8 */
    soft_limit_ratio: z.coerce.number().gt(0).max(1).default(0.8),
    /**
     * Output tokens a call is estimated (and capped) at when its agent sets no `max_tokens`.
     * @defaultValue 4096
     */
    max_output_tokens: positiveInt.default(4096),
    /** A reservation whose call was never settled (its worker died) expires after this. @defaultValue 600 */
    reservation_ttl_seconds: positiveInt.default(600),
    /**
     * Calls of models without a known price: `tokens_only` counts them against token limits
     * only; `refuse` refuses them while a USD limit applies. @defaultValue "tokens_only"
     */
    unpriced: z.enum(["tokens_only", "refuse"]).default("tokens_only"),
  })
  .prefault({});

export const SettingsSchema = z.object({
  /** @defaultValue "development" */
  env: z.enum(["development", "test", "production"]).default("development"),
  database: z
    .object({
      /** @defaultValue postgres://postgres@127.0.0.1:5432/agent_runtime */
      url: postgresUrl.default("postgres://postgres@127.0.0.1:5432/agent_runtime"),
      /** @defaultValue 10 */
      pool_max: positiveInt.default(10),
    })
    .prefault({}),
  redis: z
    .object({
      /** @defaultValue redis://127.0.0.1:6379 */
      url: redisUrl.default("redis://127.0.0.1:6379"),
      /**
       * Prefix of every key this service writes (queue, event streams, cancel channel). Unset:
       * `agent-runtime:<database name>`, so installations with different databases never share
       * queues or streams on one Redis (see `redisKeyPrefix`). @defaultValue unset
       */
      key_prefix: z.string().min(1).optional(),
      /**
       * Start of the name of every Redis connection this process opens (`CLIENT LIST`), followed
       * by the process id and the connection's use. @defaultValue "agent-runtime"
       */
      connection_name: z
        .string()
        .regex(/^[!-~]{1,64}$/, { message: "must be 1-64 printable characters without spaces" })
        .default("agent-runtime"),
    })
    .prefault({}),
  http: z
    .object({
      /** @defaultValue 127.0.0.1 */
      host: z.string().min(1).default("127.0.0.1"),
      /** @defaultValue 8000 */
      port: port.default(8000),
      /** Largest accepted request body; larger bodies get 413. @defaultValue 1 MiB */
      body_limit_bytes: positiveInt.default(1_048_576),
      /**
       * Deepest nesting of objects and arrays a JSON body may have; deeper bodies get 400
       * (JSON.stringify and Postgres recurse per level). @defaultValue 64
       */
      max_json_depth: positiveInt.max(1000).default(64),
      /**
       * Time a client has to send a whole request (headers and body) once it started; then
       * 408 and the connection closes. Responses (SSE streams) are not limited. @defaultValue 30000
       */
      request_timeout_ms: positiveInt.default(30_000),
      /** Time a client has to send a request's headers. @defaultValue 10000 */
      headers_timeout_ms: positiveInt.default(10_000),
      /**
       * Idle time after which a keep-alive connection is closed; keep it above the idle
       * timeout of a load balancer in front (60 s on most). @defaultValue 72000
       */
      keep_alive_timeout_ms: positiveInt.default(72_000),
      /**
       * An SSE client that reads nothing while the server has events to send for this long is
       * disconnected (it resumes with Last-Event-ID). @defaultValue 60000
       */
      stream_stall_timeout_ms: positiveInt.default(60_000),
    })
    .refine((http) => http.headers_timeout_ms <= http.request_timeout_ms, {
      message: "must not be longer than SOCIAL_HTTP__REQUEST_TIMEOUT_MS",
      path: ["headers_timeout_ms"],
    })
    .prefault({}),
  cors: z
    .object({
      /**
       * Origins whose pages may call the api from a browser (comma-separated, e.g.
       * `https://app.example.com,http://localhost:5173`), or `*` for any. Empty: no CORS
       * headers at all (same-origin pages such as the playground need none). @defaultValue ""
       */
      origins: commaList.pipe(z.array(origin)).default([]),
      /** Send `Access-Control-Allow-Credentials: true` (cookies or HTTP auth). @defaultValue false */
      credentials: flag.default(false),
      /**
       * Request headers a page may send. @defaultValue
       * "Authorization,Content-Type,Accept,Idempotency-Key,Last-Event-ID"
       */
      allowed_headers: commaList.default([
        "Authorization",
        "Content-Type",
        "Accept",
        "Idempotency-Key",
        "Last-Event-ID",
      ]),
      /** Response headers a page may read. @defaultValue "Retry-After" */
      exposed_headers: commaList.default(["Retry-After"]),
      /** How long a browser may cache a preflight answer. @defaultValue 600 */
      max_age_seconds: nonNegativeInt.default(600),
    })
    .prefault({}),
  playground: z
    .object({
      /**
       * Serve the playground page at /playground/. Unset: on for `start` (the quick start),
       * off for `api` and `all`. @defaultValue unset
       */
      enabled: flag.optional(),
      /** Directory of the built playground (`npm run build -w playground`). @defaultValue playground/dist */
      dist_dir: z.string().min(1).optional(),
    })
    .prefault({}),
  auth: z
    .object({
      /** HS256 secret used to verify bearer tokens. */
      jwt_secret: optionalSecret,
      /** JWKS endpoint used to verify bearer tokens (RS/ES/EdDSA). */
      jwks_url: optionalUrl,
      issuer: z.string().min(1).optional(),
      audience: z.string().min(1).optional(),
      /** Development only: accept every request as `dev_user_id`. @defaultValue false */
      disabled: flag.default(false),
      /** User id assumed when auth is disabled. @defaultValue "dev-user" */
      dev_user_id: z.string().min(1).default("dev-user"),
      /** Refuse tokens without an `exp` claim. @defaultValue true */
      require_exp: flag.default(true),
      /**
       * Longest token lifetime accepted: `exp` minus `iat` (else `nbf`, else now).
       * @defaultValue 86400 (24 h)
       */
      max_token_lifetime_seconds: positiveInt.default(86_400),
      /** Clock difference tolerated on `exp`, `nbf` and `iat`. @defaultValue 30 */
      clock_skew_seconds: nonNegativeInt.max(300).default(30),
      /**
       * The token claim that grants the admin scope (budget overrides, everyone's usage): a
       * space-separated string (OAuth 2 `scope`) or an array of strings (`scp`, `permissions`,
       * `roles`). @defaultValue "scope"
       */
      admin_claim: z.string().min(1).default("scope"),
      /** The value that claim must contain. @defaultValue "agent-runtime:admin" */
      admin_value: z.string().min(1).default("agent-runtime:admin"),
    })
    .prefault({}),
  metrics: z
    .object({
      /**
       * Bearer token a scraper must send to read /metrics (`Authorization: Bearer <token>`).
       * Without it, the api port does not serve /metrics at all (unless auth is disabled).
       */
      token: z.string().min(16).optional(),
      /**
       * Port of a separate /metrics listener for the api role (0: none; /metrics is then on
       * the api port, behind the token). @defaultValue 0
       */
      api_port: port.default(0),
      /** Address the metrics listeners (api and worker) bind to; default: SOCIAL_HTTP__HOST. */
      host: z.string().min(1).optional(),
    })
    .prefault({}),
  llm: z
    .object({
      provider_keys: providerMap(z.string().min(1)),
      provider_base_urls: providerMap(z.url()),
      /**
       * Model used by agents that do not name one. "auto" picks the first provider with a
       * key (deepseek, openai, anthropic, openai_compatible) and falls back to the offline
       * demo model when none is configured. @defaultValue "auto"
       */
      default_model_code: z.string().min(1).default("auto"),
      /**
       * Model id sent to the openai-compatible endpoint for the `openai-compatible` code. When
       * it is unset and that code is used, a worker asks the endpoint's `GET /models` at start
       * and takes the first model listed (or refuses to start).
       */
      openai_compatible_model: z.string().min(1).optional(),
      /**
       * How long a starting worker keeps asking the openai-compatible endpoint's `/models`
       * (network errors, 429 and 5xx are retried; a gateway that starts later is waited for).
       * @defaultValue 15000
       */
      model_discovery_timeout_ms: positiveInt.default(15_000),
      /** @defaultValue 120000 */
      request_timeout_ms: positiveInt.default(120_000),
      /** Retries on 429/5xx and network errors, with exponential backoff. @defaultValue 2 */
      max_retries: nonNegativeInt.default(2),
      /** Delay between streamed chunks of the offline demo model. @defaultValue 0 */
      demo_chunk_delay_ms: nonNegativeInt.default(0),
    })
    .prefault({}),
  events: z
    .object({
      /** How long a run's event stream stays replayable after the run ends. @defaultValue 3600 */
      retention_seconds: positiveInt.default(3600),
      /** Upper bound on entries kept per run stream. @defaultValue 20000 */
      max_len: positiveInt.default(20_000),
      /** SSE `: ping` interval. @defaultValue 15000 */
      heartbeat_ms: positiveInt.default(15_000),
      /**
       * Redis connections an api process reads live run streams with (each one blocking read
       * over many streams), whatever the number of followers. @defaultValue 4
       */
      reader_connections: positiveInt.max(64).default(4),
      /**
       * Events a follower may have waiting; one that falls further behind reads on from its
       * last position instead of being buffered. @defaultValue 4096
       */
      follower_buffer_events: positiveInt.default(4096),
    })
    .prefault({}),
  queue: z
    .object({
      /** @defaultValue "agent-runs" */
      name: z.string().min(1).default("agent-runs"),
      /** Runs one worker process executes at once. @defaultValue 32 */
      concurrency: positiveInt.default(32),
      /** Attempts for infrastructure failures (not for user errors). @defaultValue 3 */
      attempts: positiveInt.default(3),
      /** @defaultValue 1000 */
      backoff_ms: positiveInt.default(1000),
      /** A job whose lock is not renewed for this long is stalled and re-queued. @defaultValue 30000 */
      lock_duration_ms: positiveInt.default(30_000),
      /** @defaultValue 30000 */
      stalled_interval_ms: positiveInt.default(30_000),
      /** Time a stopping worker waits for in-flight runs before handing them back. @defaultValue 10000 */
      shutdown_grace_ms: nonNegativeInt.default(10_000),
      /**
       * How long a run waits out Postgres or Redis being unreachable (retrying with backoff,
       * spending none of its attempts) before the failure counts as one. @defaultValue 300000
       */
      outage_budget_ms: positiveInt.default(300_000),
    })
    .prefault({}),
  supervisor: z
    .object({
      /**
       * Run the supervisor in worker processes (one is active at a time per database, by a
       * Postgres advisory lock). @defaultValue true
       */
      enabled: flag.default(true),
      /** Time between two passes over the queued and running runs. @defaultValue 5000 */
      interval_ms: positiveInt.default(5000),
      /**
       * A worker renews the lease of each run it executes every third of this; a run whose
       * lease ran out and whose job is gone is queued again. @defaultValue 30000
       */
      lease_ms: positiveInt.default(30_000),
      /** Times a run is queued again before it is given up (RUN_ABANDONED). @defaultValue 3 */
      max_recoveries: nonNegativeInt.default(3),
      /**
       * A stranded run older than this (since it was accepted) is given up instead of queued
       * again. @defaultValue 3600000
       */
      deadline_ms: positiveInt.default(3_600_000),
    })
    .prefault({}),
  worker: z
    .object({
      /** Port of the worker's own /metrics and /healthz (role `worker`); 0 disables it. @defaultValue 9464 */
      metrics_port: port.default(9464),
    })
    .prefault({}),
  runtime: z
    .object({
      /** Directory holding agents.yaml, tasks.yaml, workflow.yaml, tools.yaml, models.yaml. */
      config_dir: z.string().min(1).optional(),
      /** Default approval time-to-live for tools that do not set one. @defaultValue 3600 */
      approval_ttl_seconds: positiveInt.default(3600),
      /** Persisted messages sent to the model as history. @defaultValue 100 */
      history_limit: positiveInt.default(100),
      /** Also emit the legacy `CUSTOM on_interrupt` event for CopilotKit < 1.61.2. @defaultValue false */
      legacy_interrupt_event: flag.default(false),
      /**
       * Largest AG-UI shared state (JSON bytes) a thread may hold: a client state above it is a
       * 400, an agent's change above it is refused to the agent. @defaultValue 65536
       */
      agent_state_max_bytes: positiveInt.default(65_536),
      /**
       * How far V8 lets the heap grow past what survived the last full collection, in percent
       * (V8's `--heap-growing-percent`); 0 keeps V8's own factor (up to 4×). Without it a busy
       * process holds hundreds of MiB of garbage between collections. @defaultValue 25
       */
      heap_growing_percent: nonNegativeInt.default(25),
    })
    .prefault({}),
  budgets: BudgetSettingsSchema,
  tools: z
    .object({
      /** Longest a tool call may take when neither the tool nor its source sets one. @defaultValue 30000 */
      timeout_ms: positiveInt.default(30_000),
      /** Largest tool result (JSON bytes) the model gets; a larger one is truncated with a note. @defaultValue 65536 */
      max_result_bytes: positiveInt.default(65_536),
      /** Longest wait for an MCP server to connect and list its tools. @defaultValue 10000 */
      mcp_connect_timeout_ms: positiveInt.default(10_000),
      /**
       * Secrets tools.yaml names (HMAC signing secrets, MCP headers and env): `SOCIAL_TOOLS__SECRETS__<NAME>`,
       * named in lower case in tools.yaml (e.g. `signing_secret: crm_signing`).
       */
      secrets: z.record(z.string(), z.string().min(1)).default({}),
    })
    .prefault({}),
  telemetry: z
    .object({
      /**
       * OTLP/HTTP traces endpoint, the full URL including `/v1/traces` (Langfuse:
       * `https://cloud.langfuse.com/api/public/otel/v1/traces`). Unset: tracing is off and costs
       * nothing (the OpenTelemetry API's no-op).
       */
      traces_endpoint: optionalUrl,
      /**
       * Headers sent with every export, as `key=value` pairs separated by commas (values
       * URL-encoded), like OTEL_EXPORTER_OTLP_HEADERS: e.g.
       * `Authorization=Basic <base64 pk:sk>,x-langfuse-ingestion-version=4`.
       */
      headers: z
        .string()
        .min(1)
        .refine(
          (text) =>
            text.split(",").every((pair) => pair.trim() === "" || pair.trim().indexOf("=") > 0),
          { message: "must be key=value pairs separated by commas" },
        )
        .optional(),
      /** `service.name` of every span (the role is added as `agent_runtime.role`). @defaultValue "agent-runtime" */
      service_name: z.string().min(1).default("agent-runtime"),
      /** Share of new traces recorded (a run's spans follow its api request's decision). @defaultValue 1 */
      sample_ratio: z.coerce.number().min(0).max(1).default(1),
      /** Longest wait before finished spans are exported in a batch. @defaultValue 5000 */
      export_delay_ms: positiveInt.default(5000),
    })
    .prefault({}),
  log: z
    .object({
      /** @defaultValue "info" */
      level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    })
    .prefault({}),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type LlmProvider = keyof Settings["llm"]["provider_keys"];

/** Raised when the environment does not describe valid settings; names every bad variable. */
export class SettingsError extends Error {
  readonly code = "SETTINGS_INVALID";
  constructor(readonly variables: readonly { variable: string; message: string }[]) {
    super(
      `Invalid settings:\n${variables.map(({ variable, message }) => `  ${variable}: ${message}`).join("\n")}`,
    );
    this.name = "SettingsError";
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Turns `SOCIAL_A__B_C=1` into `{ a: { b_c: "1" } }`. Unprefixed variables are ignored. */
export function nestEnvironment(environment: Environment): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined || value === "") continue;
    const path = name.slice(ENV_PREFIX.length).toLowerCase().split("__");
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
      else node = node[segment] = {};
    }
    node[path[path.length - 1] as string] = value;
  }
  return root;
}

function variableName(path: readonly PropertyKey[]): string {
  return `${ENV_PREFIX}${path.map((segment) => String(segment).toUpperCase()).join("__")}`;
}

/** Reads a dotenv file without touching `process.env`; a missing file is an empty one. */
export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
}

/**
 * Parses settings from an environment (real variables win over the `.env` file) and freezes
 * them. Throws `SettingsError` naming every invalid variable.
 */
export function loadSettings(
  environment: Environment = process.env,
  envFile: string | undefined = defaultEnvFile(environment),
): Settings {
  const merged = { ...(envFile ? readEnvFile(envFile) : {}), ...environment };
  const result = SettingsSchema.safeParse(nestEnvironment(merged));
  if (!result.success) {
    throw new SettingsError(
      result.error.issues.map((issue) => ({
        variable: variableName(issue.path),
        message: issue.message,
      })),
    );
  }
  const settings = result.data;
  const problems = crossFieldProblems(settings);
  if (problems.length > 0) throw new SettingsError(problems);
  return deepFreeze(settings);
}

function crossFieldProblems(settings: Settings): { variable: string; message: string }[] {
  const { auth, budgets } = settings;
  const problems: { variable: string; message: string }[] = [];
  if (auth.disabled && settings.env === "production") {
    problems.push({
      variable: variableName(["auth", "disabled"]),
      message: "cannot be true in production",
    });
  }
  // A limit that is silently ignored is worse than a start-up error.
  if (!budgets.enabled) {
    for (const scope of ["user", "session", "run"] as const) {
      for (const key of ["usd", "tokens"] as const) {
        if (budgets[scope][key] === undefined) continue;
        problems.push({
          variable: variableName(["budgets", scope, key]),
          message: `is set but budgets are off: set ${variableName(["budgets", "enabled"])}=true`,
        });
      }
    }
  }
  return problems;
}

/** `.env` in the directory npm was started from (the repository root for `npm start`). */
function defaultEnvFile(environment: Environment): string | undefined {
  if (environment.SOCIAL_ENV_FILE) return environment.SOCIAL_ENV_FILE;
  return join(environment.INIT_CWD ?? process.cwd(), ".env");
}

/**
 * The Redis key prefix in effect: the setting, else `agent-runtime:<database name>` (two
 * installations sharing a Redis but not a database never take each other's jobs).
 */
export function redisKeyPrefix(settings: Pick<Settings, "redis" | "database">): string {
  if (settings.redis.key_prefix) return settings.redis.key_prefix;
  const database = decodeURIComponent(new URL(settings.database.url).pathname.slice(1));
  return `agent-runtime:${database || "postgres"}`;
}

/** True when the settings let the api verify bearer tokens or auth is explicitly off. */
export function authIsConfigured(settings: Settings): boolean {
  return settings.auth.disabled || Boolean(settings.auth.jwt_secret || settings.auth.jwks_url);
}

const SECRET_PATHS = [
  /^llm\.provider_keys\./,
  /^auth\.jwt_secret$/,
  /^telemetry\.headers$/,
  /^metrics\.token$/,
  /^tools\.secrets\./,
];
const URL_WITH_PASSWORD = /^(\w[\w+.-]*:\/\/[^:/@]*:)[^@]*@/;

/** A copy of the settings that is safe to log or print: secrets and URL passwords masked. */
export function redactSettings(settings: Settings): Record<string, unknown> {
  const visit = (value: unknown, path: string): unknown => {
    if (typeof value === "string") {
      if (SECRET_PATHS.some((pattern) => pattern.test(path))) return "[redacted]";
      return value.replace(URL_WITH_PASSWORD, "$1[redacted]@");
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, `${path}.${index}`));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          visit(item, path ? `${path}.${key}` : key),
        ]),
      );
    }
    return value;
  };
  return visit(settings, "") as Record<string, unknown>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
