import { setFlagsFromString } from "node:v8";
import { buildApiServer } from "./api-server.js";
import { CompositionRoot } from "./composition-root.js";
import { LlmNotConfiguredError } from "./core/agent/domain/errors.js";
import { migrateDatabase } from "./core/agent/infrastructure/persistence/migrate.js";
import {
  authIsConfigured,
  loadSettings,
  redactSettings,
  type Settings,
  SettingsError,
} from "./core/config/settings.js";
import { createLogger } from "./core/observability/logger.js";
import { startTracing } from "./core/observability/tracing.js";
import { signDevToken } from "./dev-token.js";
import { buildMetricsServer } from "./metrics-server.js";

/**
 * `agent-runtime <role>`:
 * - `api`     HTTP only (validates, records the run, enqueues, streams events);
 * - `worker`  executes runs from the queue;
 * - `all`     both in one process (development);
 * - `migrate` creates the database if needed and applies migrations;
 * - `start`   the quick start: migrate, then `all`, with a printed example request.
 */
const ROLES = ["api", "worker", "all", "migrate", "start"] as const;
type Role = (typeof ROLES)[number];

async function main(): Promise<void> {
  const role = process.argv[2] as Role | undefined;
  if (!role || !ROLES.includes(role)) {
    process.stderr.write(`usage: agent-runtime <${ROLES.join("|")}>\n`);
    process.exit(2);
  }
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  // Before the heap grows (benchmarks.md, "Memory").
  if (settings.runtime.heap_growing_percent > 0)
    setFlagsFromString(`--heap-growing-percent=${settings.runtime.heap_growing_percent}`);
  const logger = createLogger({ level: settings.log.level, name: `agent-runtime-${role}` });
  logger.info({ role, settings: redactSettings(settings) }, "starting");

  if (role === "migrate" || role === "start") {
    const { createdDatabase } = await migrateDatabase(settings.database.url);
    logger.info({ createdDatabase }, "database migrated");
    if (role === "migrate") return;
  }

  let quickStartToken: string | undefined;
  if (role === "start" && !authIsConfigured(settings) && settings.env !== "production") {
    const secret = crypto.randomUUID() + crypto.randomUUID();
    settings = { ...settings, auth: { ...settings.auth, jwt_secret: secret } };
    quickStartToken = await signDevToken({
      secret,
      userId: settings.auth.dev_user_id,
      expiresIn: "12h",
    });
  }
  const runsApi = role === "api" || role === "all" || role === "start";
  const runsWorker = role === "worker" || role === "all" || role === "start";
  if (runsApi && !authIsConfigured(settings)) {
    logger.fatal(
      {},
      "auth is not configured: set SOCIAL_AUTH__JWT_SECRET or SOCIAL_AUTH__JWKS_URL (or SOCIAL_AUTH__DISABLED=true in development)",
    );
    process.exit(78);
  }

  const tracing = startTracing({ settings, role });
  if (tracing.enabled) logger.info({ endpoint: settings.telemetry.traces_endpoint }, "tracing on");
  const root = new CompositionRoot(settings, logger);
  await root.loadConfiguration();
  const stops: (() => Promise<void>)[] = [];

  if (runsWorker) {
    // A worker that could only fail every run (no model for the openai-compatible endpoint)
    // refuses to start, with the message saying what to set; the api of `all` never listens.
    const worker = await root.startWorker().catch(async (error: unknown) => {
      if (!LlmNotConfiguredError.isInstance(error)) throw error;
      logger.fatal({ code: error.code, details: error.details }, error.message);
      await root.close();
      process.exit(78);
    });
    stops.push(() => worker.close());
    if (role === "worker" && settings.worker.metrics_port > 0) {
      const metrics = await listenForMetrics({ root, port: settings.worker.metrics_port });
      stops.push(metrics.close);
    }
    logger.info({ concurrency: settings.queue.concurrency }, "worker ready");
  }

  if (runsApi) {
    // The quick start serves the playground unless told not to; other roles only when told to.
    const playground = settings.playground.enabled ?? role === "start";
    const apiOptions = root.apiServerOptions({ playground });
    const app = await buildApiServer(apiOptions);
    const address = await app.listen({ host: settings.http.host, port: settings.http.port });
    stops.unshift(() => app.close());
    let metricsUrl: string | undefined;
    if (settings.metrics.api_port > 0) {
      const metrics = await listenForMetrics({ root, port: settings.metrics.api_port });
      stops.push(metrics.close);
      metricsUrl = `${metrics.address}/metrics`;
    } else if (apiOptions.metrics.onApiPort) {
      metricsUrl = `${address}/metrics`;
    }
    logger.info({ address, playground }, "api ready");
    if (role === "start")
      printQuickStart({
        address,
        token: quickStartToken,
        disabled: settings.auth.disabled,
        metricsUrl,
        playground,
      });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    for (const close of stops)
      await close().catch((error: unknown) => logger.error({ err: error }, "stop failed"));
    await root.close();
    // Last, so the spans of the runs that just finished are exported.
    await tracing
      .shutdown()
      .catch((error: unknown) => logger.error({ err: error }, "trace export failed"));
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

/** Serves /metrics and /healthz on a port of their own. */
async function listenForMetrics({
  root,
  port,
}: {
  root: CompositionRoot;
  port: number;
}): Promise<{ address: string; close: () => Promise<void> }> {
  const { settings } = root;
  const server = await buildMetricsServer({
    source: root.metrics.registry,
    token: settings.metrics.token,
    timeouts: root.httpTimeouts(),
    logger: root.logger,
  });
  const address = await server.listen({ host: settings.metrics.host ?? settings.http.host, port });
  root.logger.info({ address }, "metrics listener ready");
  return { address, close: () => server.close() };
}

function printQuickStart({
  address,
  token,
  disabled,
  metricsUrl,
  playground,
}: {
  address: string;
  token: string | undefined;
  disabled: boolean;
  metricsUrl: string | undefined;
  playground: boolean;
}) {
  // The token rides in the fragment, which browsers never send to the server or its logs.
  const playgroundUrl = `${address}/playground/${token ? `#token=${token}` : ""}`;
  const lines = [
    "",
    `agent-runtime is ready at ${address}`,
    ...(playground ? [`  Playground: ${playgroundUrl}`] : []),
    `  API docs (Swagger UI): ${address}/docs   readiness: ${address}/readyz   metrics: ${metricsUrl ?? "set SOCIAL_METRICS__TOKEN or SOCIAL_METRICS__API_PORT"}`,
    ...(token
      ? ["  No auth is configured, so this process signed a throwaway dev token (valid 12 h)."]
      : []),
    "",
    "Try a run (its AG-UI events stream back as SSE):",
    "",
    `curl -N ${address}/api/v1/agent/runs \\`,
    ...(disabled ? [] : [`  -H "Authorization: Bearer ${token ?? "<your JWT>"}" \\`]),
    '  -H "Content-Type: application/json" -H "Accept: text/event-stream" \\',
    `  -d '{"threadId":"thread-1","runId":"run-'$(date +%s)'","messages":[{"id":"m-'$(date +%s)'","role":"user","content":"What time is it?"}],"tools":[],"context":[],"forwardedProps":{}}'`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
