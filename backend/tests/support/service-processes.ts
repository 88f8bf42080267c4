import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const BACKEND = fileURLToPath(new URL("../..", import.meta.url));

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** One `agent-runtime <role>` child process; its output is kept for failure messages. */
export class ServiceProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;

  private constructor(
    readonly role: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  static spawn(
    role: "api" | "worker" | "all",
    environment: Record<string, string>,
  ): ServiceProcess {
    // `node --import tsx` runs the service in this one process: a SIGKILL really kills it
    // (the `tsx` CLI would leave its node child running). AGENT_RUNTIME_TEST_COMPILED=1 runs
    // the compiled build instead (`npm run build`; the CI's Node 24 leg).
    const entry =
      process.env.AGENT_RUNTIME_TEST_COMPILED === "1"
        ? ["dist/main.js", role]
        : ["--import", "tsx", "src/main.ts", role];
    const child = spawn(process.execPath, entry, {
      cwd: BACKEND,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...environment,
        SOCIAL_ENV_FILE: "/dev/null",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ServiceProcess(role, child);
  }

  /** Resolves when a log line contains `text` (e.g. "api ready", "worker ready"). */
  async waitForLog(text: string, timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!this.output.join("").includes(text)) {
      if (this.child.exitCode !== null)
        throw new Error(`${this.role} exited:\n${this.output.join("")}`);
      if (Date.now() - started > timeoutMs)
        throw new Error(`${this.role} did not log "${text}":\n${this.output.join("")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The exit code once the process has exited (null when a signal ended it). */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGKILL: no shutdown hooks, the way a crashed machine stops. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A running `api` + `worker` pair, as `startServices` returns it. */
export type Services = Awaited<ReturnType<typeof startServices>>;

/** Starts `api` and `worker` as separate processes on the given environment. */
export async function startServices(environment: Record<string, string>) {
  const port = await freePort();
  // The readiness lines ("api ready", "worker ready") are info logs.
  const env = {
    ...environment,
    SOCIAL_LOG__LEVEL: "info",
    SOCIAL_HTTP__PORT: String(port),
    SOCIAL_HTTP__HOST: "127.0.0.1",
  };
  const api = ServiceProcess.spawn("api", env);
  const worker = ServiceProcess.spawn("worker", env);
  await Promise.all([api.waitForLog("api ready"), worker.waitForLog("worker ready")]);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    api,
    worker,
    environment: env,
    /** A new worker process on the same environment (after killing one). */
    startWorker: async () => {
      const next = ServiceProcess.spawn("worker", env);
      await next.waitForLog("worker ready");
      return next;
    },
    stop: async () => {
      await Promise.all([api.stop(), worker.stop()]);
    },
  };
}
