import { inArray, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import type { Logger as PinoLogger } from "pino";
import type { ApiServerOptions, DependencyState } from "./api-server.js";
import { budgetPolicyFrom, callBudgetPolicyFrom } from "./budget-settings.js";
import { BudgetService } from "./core/agent/application/budget-service.js";
import { CancelService } from "./core/agent/application/cancel-service.js";
import { ConversationService } from "./core/agent/application/conversation-service.js";
import { systemClock } from "./core/agent/application/ports/clock.js";
import { randomIds } from "./core/agent/application/ports/id-generator.js";
import type { Logger } from "./core/agent/application/ports/logger.js";
import { ResumeService } from "./core/agent/application/resume-service.js";
import { RunAdmissions } from "./core/agent/application/run-admissions.js";
import { RunExecutor } from "./core/agent/application/run-executor.js";
import { RunService } from "./core/agent/application/run-service.js";
import { RunSupervisor } from "./core/agent/application/run-supervisor.js";
import { UsageService } from "./core/agent/application/usage-service.js";
import { RedisRunEventStream } from "./core/agent/infrastructure/agui/redis-run-event-stream.js";
import { RunStreamHub } from "./core/agent/infrastructure/agui/run-stream-hub.js";
import { RuntimeConfigCatalog } from "./core/agent/infrastructure/config/runtime-config-catalog.js";
import { createRuntimeConfigLoader } from "./core/agent/infrastructure/config/runtime-config-loader.js";
import { defaultStaticConfigDirectory } from "./core/agent/infrastructure/config/static-config-directory.js";
import { CrewRuntime } from "./core/agent/infrastructure/crew/crew-runtime.js";
import { ToolExecutor } from "./core/agent/infrastructure/crew/tool-executor.js";
import { callSettings } from "./core/agent/infrastructure/llm/call-settings.js";
import { defaultModelCodeFor } from "./core/agent/infrastructure/llm/default-model-code.js";
import { createLlmGateway } from "./core/agent/infrastructure/llm/llm-gateway.js";
import { settingsWithDiscoveredModel } from "./core/agent/infrastructure/llm/model-discovery.js";
import {
  connectDatabase,
  type DatabaseHandle,
} from "./core/agent/infrastructure/persistence/database.js";
import { DrizzleSystemAgentRepository } from "./core/agent/infrastructure/persistence/drizzle-system-agent-repository.js";
import { PostgresBudgetLedger } from "./core/agent/infrastructure/persistence/postgres-budget-ledger.js";
import { PostgresConversationQueries } from "./core/agent/infrastructure/persistence/postgres-conversation-queries.js";
import { PostgresRunRecoveryStore } from "./core/agent/infrastructure/persistence/postgres-run-recovery-store.js";
import { PostgresRunStore } from "./core/agent/infrastructure/persistence/postgres-run-store.js";
import { PostgresToolExecutionLedger } from "./core/agent/infrastructure/persistence/postgres-tool-execution-ledger.js";
import { PostgresUsageQueries } from "./core/agent/infrastructure/persistence/postgres-usage-queries.js";
import { listenForSystemAgentChanges } from "./core/agent/infrastructure/persistence/system-agents-listener.js";
import { BullmqRunQueue } from "./core/agent/infrastructure/queue/bullmq-run-queue.js";
import { RedisCancelSignals } from "./core/agent/infrastructure/queue/redis-cancel-signals.js";
import { logRedisErrors } from "./core/agent/infrastructure/queue/redis-error-logging.js";
import { RunLeases } from "./core/agent/infrastructure/queue/run-leases.js";
import { startRunSupervisorLoop } from "./core/agent/infrastructure/queue/run-supervisor-loop.js";
import { type RunWorker, startRunWorker } from "./core/agent/infrastructure/queue/run-worker.js";
import { prometheusToolCallMetrics } from "./core/agent/infrastructure/tools/prometheus-tool-call-metrics.js";
import { startToolSources } from "./core/agent/infrastructure/tools/start-tool-sources.js";
import type { ToolLogger } from "./core/agent/infrastructure/tools/tool-handler.js";
import type { ToolSourceRegistry } from "./core/agent/infrastructure/tools/tool-source-registry.js";
import { AjvJsonSchemaValidator } from "./core/agent/infrastructure/validation/ajv-json-schema-validator.js";
import { redisKeyPrefix, type Settings } from "./core/config/settings.js";
import { PrometheusMetrics } from "./core/observability/prometheus-metrics.js";
import { defaultPlaygroundDir } from "./http/playground.js";
import { runs } from "./models/index.js";
import type { AgentApiServices } from "./v1/agent/service.js";
import type { HttpTimeouts } from "./v1/http-hardening.js";

/**
 * The one place where adapters are built and wired to the use cases. Each process opens the
 * shared infrastructure once and takes the parts its role needs.
 */
export class CompositionRoot {
  readonly database: DatabaseHandle;
  readonly redis: Redis;
  /** Prefix of every Redis key of this installation (`redisKeyPrefix`). */
  readonly keyPrefix: string;
  readonly metrics = new PrometheusMetrics();
  /** JSON-Schema checks (resume payloads against their interrupt's responseSchema). */
  readonly validator = new AjvJsonSchemaValidator();
  readonly store: PostgresRunStore;
  readonly queries: PostgresConversationQueries;
  readonly events: RedisRunEventStream;
  readonly queue: BullmqRunQueue;
  readonly cancels: RedisCancelSignals;
  readonly catalog: RuntimeConfigCatalog;
  readonly budgetLedger: PostgresBudgetLedger;
  /** The live reads of every follower of this process (reader connections open on first use). */
  readonly streamHub: RunStreamHub;
  /** The queue's producer and the worker's consumer (not auto-pipelined; see the constructor). */
  private readonly queueRedis: Redis;
  private readonly configLoader;
  private readonly closers: (() => Promise<void>)[] = [];
  private discoveredLlmSettings: Promise<Settings> | undefined;
  private startedToolSources: Promise<ToolSourceRegistry> | undefined;

  constructor(
    readonly settings: Settings,
    readonly logger: PinoLogger,
  ) {
    this.database = connectDatabase({
      url: settings.database.url,
      poolMax: settings.database.pool_max,
    });
    this.keyPrefix = redisKeyPrefix(settings);
    // Every duplicate of this connection gets an error listener too (logRedisErrors).
    this.redis = logRedisErrors(
      new Redis(settings.redis.url, {
        maxRetriesPerRequest: null,
        enableAutoPipelining: true,
        connectionName: this.redisConnectionName("command"),
      }),
      this.applicationLogger(),
    );
    this.streamHub = new RunStreamHub({
      command: this.redis,
      // A duplicate: it gets its error listener from logRedisErrors.
      connect: (index) =>
        this.redis.duplicate({
          enableAutoPipelining: false,
          connectionName: this.redisConnectionName(`stream-reader-${index}`),
        }),
      readers: settings.events.reader_connections,
      followerBuffer: settings.events.follower_buffer_events,
      batch: 256,
      blockMs: settings.events.heartbeat_ms,
      onError: (error) => logger.warn({ err: error }, "run stream reader error (retrying)"),
    });
    // BullMQ defines its ~70 scripts on the connection it is given, and ioredis copies every
    // defined script onto each pipeline it builds: on an auto-pipelined connection that is a
    // copy per command. So the queue gets a connection of its own, sending each command as is.
    this.queueRedis = this.redis.duplicate({
      enableAutoPipelining: false,
      connectionName: this.redisConnectionName("queue"),
    });
    this.queueRedis.on("error", (error) =>
      logger.error({ err: error }, "redis queue connection error"),
    );
    this.store = new PostgresRunStore(this.database);
    this.queries = new PostgresConversationQueries(this.database.db);
    this.events = new RedisRunEventStream({
      redis: this.redis,
      // RUN_STARTED goes out on the queue's connection, just before the job: same socket, so
      // Redis stores it first, and both in one round trip (RunAdmissions.dispatch).
      firstEventRedis: this.queueRedis,
      hub: this.streamHub,
      keyPrefix: this.keyPrefix,
      maxLength: settings.events.max_len,
      retentionSeconds: settings.events.retention_seconds,
      heartbeatMs: settings.events.heartbeat_ms,
    });
    this.queue = new BullmqRunQueue({
      connection: this.queueRedis,
      prefix: this.keyPrefix,
      settings: settings.queue,
    });
    this.cancels = new RedisCancelSignals(this.redis, this.keyPrefix);
    const systemAgents = new DrizzleSystemAgentRepository(this.database.db);
    this.configLoader = createRuntimeConfigLoader({
      staticDirectory: settings.runtime.config_dir ?? defaultStaticConfigDirectory(),
      listSystemAgents: () => systemAgents.listEnabled(),
      logger,
    });
    this.catalog = new RuntimeConfigCatalog(this.configLoader, defaultModelCodeFor(settings));
    this.budgetLedger = new PostgresBudgetLedger(this.database.pool);
    this.metrics.addStreamFollowerGauges(() => this.streamHub.stats());
    this.metrics.addScrapeGauges({
      queueDepth: () => this.queue.depth(),
      activeRuns: () => this.activeRunCounts(),
      openReservations: () => this.budgetLedger.openReservations(),
    });
  }

  /** Loads the agent configuration (failing fast on a bad config) and follows system_agents changes. */
  async loadConfiguration(): Promise<void> {
    await this.configLoader.get();
    const listener = await listenForSystemAgentChanges({
      url: this.settings.database.url,
      onChange: () => {
        this.logger.info({}, "system_agents changed: reloading the agent configuration");
        this.configLoader.invalidate();
        // A reload also lists the MCP servers' tools again (workers only have sources).
        this.startedToolSources
          ?.then((registry) =>
            registry.refresh((source, error) =>
              this.logger.warn({ err: error, source }, "tool source could not list its tools"),
            ),
          )
          .catch(() => {});
      },
      onError: (error) => this.logger.warn({ err: error }, "system_agents listener error"),
    });
    this.closers.push(() => listener.close());
  }

  apiServices(): AgentApiServices {
    const budgets = new BudgetService({
      ledger: this.budgetLedger,
      clock: systemClock,
      policy: budgetPolicyFrom(this.settings),
    });
    const admissions = new RunAdmissions({
      store: this.store,
      queue: this.queue,
      events: this.events,
      clock: systemClock,
      logger: this.applicationLogger(),
      metrics: this.metrics,
      ...(this.settings.budgets.enabled ? { budgets } : {}),
    });
    return {
      runs: new RunService({
        admissions,
        catalog: this.catalog,
        clock: systemClock,
        validator: this.validator,
        agentStateMaxBytes: this.settings.runtime.agent_state_max_bytes,
      }),
      resumes: new ResumeService({
        admissions,
        queries: this.queries,
        catalog: this.catalog,
        clock: systemClock,
        ids: randomIds,
        validator: this.validator,
      }),
      cancels: new CancelService({
        store: this.store,
        queries: this.queries,
        cancels: this.cancels,
        jobs: this.queue,
        events: this.events,
        clock: systemClock,
        legacyInterruptEvent: this.settings.runtime.legacy_interrupt_event,
      }),
      conversations: new ConversationService({
        queries: this.queries,
        events: this.events,
        catalog: this.catalog,
        clock: systemClock,
        record: this.store,
        legacyInterruptEvent: this.settings.runtime.legacy_interrupt_event,
      }),
      budgets,
      usage: new UsageService({
        queries: new PostgresUsageQueries(this.database.pool),
        clock: systemClock,
      }),
    };
  }

  /**
   * Everything `buildApiServer` needs, from the settings (used by main and the tests);
   * `playground`: whether this process serves the playground page.
   */
  apiServerOptions({ playground = false }: { playground?: boolean } = {}): ApiServerOptions {
    const { auth, http, cors, metrics } = this.settings;
    return {
      services: this.apiServices(),
      auth: {
        ...(auth.jwt_secret ? { jwtSecret: auth.jwt_secret } : {}),
        ...(auth.jwks_url ? { jwksUrl: auth.jwks_url } : {}),
        ...(auth.issuer ? { issuer: auth.issuer } : {}),
        ...(auth.audience ? { audience: auth.audience } : {}),
        disabled: auth.disabled,
        devUserId: auth.dev_user_id,
        policy: {
          requireExpiry: auth.require_exp,
          maxLifetimeSeconds: auth.max_token_lifetime_seconds,
          clockSkewSeconds: auth.clock_skew_seconds,
        },
        adminClaim: auth.admin_claim,
        adminValue: auth.admin_value,
      },
      http: {
        ...this.httpTimeouts(),
        bodyLimitBytes: http.body_limit_bytes,
        maxJsonDepth: http.max_json_depth,
        streamStallTimeoutMs: http.stream_stall_timeout_ms,
      },
      tracing: Boolean(this.settings.telemetry.traces_endpoint),
      logger: this.logger,
      metrics: {
        source: this.metrics.registry,
        // The api port is public: /metrics is served there only behind its token (or when
        // auth is off altogether, in development), unless it has a listener of its own.
        onApiPort: metrics.api_port === 0 && (metrics.token !== undefined || auth.disabled),
        ...(metrics.token ? { token: metrics.token } : {}),
      },
      checkReadiness: () => this.checkReadiness(),
      cors: {
        origins: cors.origins,
        credentials: cors.credentials,
        allowedHeaders: cors.allowed_headers,
        exposedHeaders: cors.exposed_headers,
        maxAgeSeconds: cors.max_age_seconds,
      },
      ...(playground
        ? { playground: { distDir: this.settings.playground.dist_dir ?? defaultPlaygroundDir() } }
        : {}),
    };
  }

  /**
   * The settings the LLM gateway runs with: the openai-compatible endpoint's model is asked of
   * the endpoint when no setting names it (once per process). Rejects with LLM_NOT_CONFIGURED
   * when no model can be found, so a worker refuses to start.
   */
  llmSettings(): Promise<Settings> {
    this.discoveredLlmSettings ??= this.configLoader.get().then((config) =>
      settingsWithDiscoveredModel({
        settings: this.settings,
        models: config.models,
        modelCodes: Object.values(config.agents).flatMap((agent) =>
          agent.llm.model_code ? [agent.llm.model_code] : [],
        ),
        logger: {
          info: (message) => this.logger.info(message),
          warn: (message) => this.logger.warn(message),
        },
      }),
    );
    return this.discoveredLlmSettings;
  }

  /** Request, header and keep-alive timeouts every listener of this process uses. */
  httpTimeouts(): HttpTimeouts {
    const { http } = this.settings;
    return {
      requestTimeoutMs: http.request_timeout_ms,
      headersTimeoutMs: http.headers_timeout_ms,
      keepAliveTimeoutMs: http.keep_alive_timeout_ms,
    };
  }

  /** The use case the worker runs per job (also driven directly by tests). */
  async runExecutor(): Promise<RunExecutor> {
    const gateway = createLlmGateway({
      settings: await this.llmSettings(),
      models: (await this.configLoader.get()).models,
      ids: randomIds,
      clock: systemClock,
      logger: {
        info: (message) => this.logger.info(message),
        warn: (message) => this.logger.warn(message),
      },
      ...(this.settings.budgets.enabled
        ? {
            budgets: {
              ledger: this.budgetLedger,
              metrics: this.metrics,
              policy: callBudgetPolicyFrom(this.settings),
            },
          }
        : {}),
    });
    const toolSources = await this.toolSources();
    const crew = new CrewRuntime({
      config: toolSources.configView(this.configLoader),
      gateway,
      tools: new ToolExecutor(
        toolSources,
        new PostgresToolExecutionLedger(this.database.db),
        this.validator,
        this.toolLogger(),
      ),
      ids: randomIds,
      clock: systemClock,
      callSettings: callSettings(this.settings),
      defaultApprovalTtlSeconds: this.settings.runtime.approval_ttl_seconds,
      validator: this.validator,
      agentStateMaxBytes: this.settings.runtime.agent_state_max_bytes,
    });
    return new RunExecutor({
      store: this.store,
      events: this.events,
      crew,
      catalog: this.catalog,
      cancels: this.cancels,
      clock: systemClock,
      ids: randomIds,
      logger: this.applicationLogger(),
      metrics: this.metrics,
      settings: {
        historyLimit: this.settings.runtime.history_limit,
        legacyInterruptEvent: this.settings.runtime.legacy_interrupt_event,
      },
    });
  }

  /**
   * The worker's tool sources (tools.yaml `sources` plus the built-ins), started once per
   * process: MCP servers connected and listed, handler modules imported. Only workers call it.
   */
  toolSources(): Promise<ToolSourceRegistry> {
    this.startedToolSources ??= this.configLoader.get().then(async (config) => {
      const { tools } = this.settings;
      const registry = await startToolSources({
        config,
        settings: {
          timeoutMs: tools.timeout_ms,
          maxResultBytes: tools.max_result_bytes,
          mcpConnectTimeoutMs: tools.mcp_connect_timeout_ms,
          secrets: tools.secrets,
        },
        logger: this.toolLogger(),
        metrics: prometheusToolCallMetrics(this.metrics.registry),
      });
      this.closers.push(() => registry.close());
      return registry;
    });
    return this.startedToolSources;
  }

  /** The worker role: the queue consumer, its runs' leases and (when on) the run supervisor. */
  async startWorker(): Promise<RunWorker> {
    await this.cancels.listen();
    const { supervisor: supervision } = this.settings;
    const recovery = new PostgresRunRecoveryStore(this.settings.database.url, this.database);
    const worker = startRunWorker({
      connection: this.queueRedis,
      prefix: this.keyPrefix,
      settings: this.settings.queue,
      executor: await this.runExecutor(),
      leases: new RunLeases(recovery, supervision.lease_ms, this.applicationLogger()),
      logger: this.applicationLogger(),
    });
    const loop = supervision.enabled
      ? startRunSupervisorLoop({
          supervisor: this.runSupervisor(recovery),
          intervalMs: supervision.interval_ms,
          logger: this.applicationLogger(),
          resign: () => recovery.resign(),
        })
      : undefined;
    return {
      async close() {
        await loop?.close();
        await worker.close();
      },
    };
  }

  /** The run supervisor (run by the worker role; tests drive its passes directly). */
  runSupervisor(
    recovery = new PostgresRunRecoveryStore(this.settings.database.url, this.database),
  ): RunSupervisor {
    const { supervisor: supervision, runtime } = this.settings;
    return new RunSupervisor({
      recovery,
      store: this.store,
      jobs: this.queue,
      events: this.events,
      clock: systemClock,
      logger: this.applicationLogger(),
      metrics: this.metrics,
      settings: {
        intervalMs: supervision.interval_ms,
        leaseMs: supervision.lease_ms,
        maxRecoveries: supervision.max_recoveries,
        deadlineMs: supervision.deadline_ms,
        legacyInterruptEvent: runtime.legacy_interrupt_event,
      },
    });
  }

  /** Each dependency answers within the readiness timeout, or is unreachable (never throws). */
  async checkReadiness(): Promise<Record<string, DependencyState>> {
    const [postgres, redis] = await Promise.all([
      answersWithin(READINESS_TIMEOUT_MS, () => this.database.pool.query("select 1")),
      // A connection that is not ready would queue the ping until Redis is back.
      this.redis.status === "ready"
        ? answersWithin(READINESS_TIMEOUT_MS, () => this.redis.ping())
        : ("unreachable" as const),
    ]);
    return { postgres, redis };
  }

  async close(): Promise<void> {
    await this.cancels.close();
    await this.queue.close().catch(() => {});
    await this.queueRedis.quit().catch(() => {});
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => {});
    await this.streamHub.close();
    await this.redis.quit().catch(() => {});
    await this.database.close().catch(() => {});
  }

  /** `<connection_name>:<pid>:<purpose>`: CLIENT LIST tells this process's connections apart. */
  redisConnectionName(purpose: string): string {
    return `${this.settings.redis.connection_name}:${process.pid}:${purpose}`;
  }

  private async activeRunCounts(): Promise<Record<string, number>> {
    const rows = await this.database.db
      .select({ status: runs.status, count: sql<number>`count(*)::int` })
      .from(runs)
      .where(inArray(runs.status, ["queued", "running"]))
      .groupBy(runs.status);
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  private toolLogger(): ToolLogger {
    const logger = this.logger.child({ component: "tools" });
    return {
      info: (message, details) => logger.info(details ?? {}, message),
      warn: (message, details) => logger.warn(details ?? {}, message),
      error: (message, details) => logger.error(details ?? {}, message),
    };
  }

  private applicationLogger(): Logger {
    return {
      info: (details, message) => this.logger.info(details, message),
      warn: (details, message) => this.logger.warn(details, message),
      error: (details, message) => this.logger.error(details, message),
    };
  }
}

/** `/readyz` answers within a second even when a dependency hangs. */
const READINESS_TIMEOUT_MS = 800;

async function answersWithin(
  timeoutMs: number,
  probe: () => Promise<unknown>,
): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DependencyState>((resolve) => {
    timer = setTimeout(() => resolve("unreachable"), timeoutMs);
  });
  try {
    return await Promise.race([
      probe().then(
        () => "ok" as const,
        () => "unreachable" as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
