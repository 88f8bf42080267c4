import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildApiServer } from "../../src/api-server.js";
import { CompositionRoot } from "../../src/composition-root.js";
import type { RunExecutor } from "../../src/core/agent/application/run-executor.js";
import { parseRunJob } from "../../src/core/agent/infrastructure/queue/job-catalog.js";
import type { Settings } from "../../src/core/config/settings.js";
import { testSettings } from "./test-settings.js";

/**
 * The whole service in the test process, on the real Postgres and Redis: the api app (for
 * `app.inject`) and the run executor. No BullMQ worker runs unless `startWorker()` is
 * called: `executeJob(runId)` takes the queued job and executes it right here, so a test
 * controls exactly when a run happens.
 */
export class InProcessRuntime {
  private executor: RunExecutor | undefined;
  private readonly attempts = new Map<string, number>();
  /** Runs whose job `executeJob` is executing right now. */
  private readonly executing = new Set<string>();
  private stopWorker: (() => Promise<void>) | undefined;

  private constructor(
    readonly settings: Settings,
    readonly root: CompositionRoot,
    readonly app: FastifyInstance,
  ) {}

  static async start(
    extraEnvironment: Record<string, string> = {},
    { playground = false }: { playground?: boolean } = {},
  ): Promise<InProcessRuntime> {
    const settings = testSettings(extraEnvironment);
    const logger = pino({ level: settings.log.level });
    const root = new CompositionRoot(settings, logger);
    await root.loadConfiguration();
    const app = await buildApiServer(root.apiServerOptions({ playground }));
    await app.ready();
    const runtime = new InProcessRuntime(settings, root, app);
    // `executeJob` runs a job without taking it off the queue; to cancel (which ends at once a
    // run whose job waits in the queue) that job is held, as a worker's active job is.
    const withdraw = root.queue.withdraw.bind(root.queue);
    root.queue.withdraw = async (runId) =>
      runtime.executing.has(runId) ? "held" : withdraw(runId);
    return runtime;
  }

  /**
   * Executes the queued job of `runId` (a storage id, or a client run id whose storage id
   * differs: `:`, digits only…) in this process, as a worker would. `claim`: take the job off
   * the queue first, so the api sees the run as held by a worker (a cancel then signals this
   * execution instead of ending the run itself); the job cannot run again.
   */
  async executeJob(runId: string, { finalAttempt = true, claim = false } = {}): Promise<void> {
    const job =
      (await this.root.queue.queue.getJob(runId)) ??
      (await this.root.queue.queue.getJob(await this.storageRunId(runId)));
    if (!job) throw new Error(`no queued job for run ${runId}`);
    if (claim) await job.remove();
    this.executor ??= await this.root.runExecutor();
    await this.root.cancels.listen();
    const attempt = (this.attempts.get(runId) ?? 0) + 1;
    this.attempts.set(runId, attempt);
    this.executing.add(runId);
    try {
      await this.executor.execute(parseRunJob(job.data), {
        shutdown: new AbortController().signal,
        finalAttempt,
        attempt,
      });
    } finally {
      this.executing.delete(runId);
    }
  }

  /** The storage id of the (only) run the client named `clientRunId`. */
  async storageRunId(clientRunId: string): Promise<string> {
    const { rows } = await this.root.database.pool.query<{ id: string }>(
      "select id from runs where client_run_id = $1 order by created_at desc limit 1",
      [clientRunId],
    );
    return rows[0]?.id ?? clientRunId;
  }

  /** Starts a real BullMQ worker in this process. */
  async startWorker(): Promise<void> {
    const worker = await this.root.startWorker();
    this.stopWorker = () => worker.close();
  }

  async close(): Promise<void> {
    await this.stopWorker?.();
    await this.app.close();
    await this.root.close();
  }
}
