import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BACKEND = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `agent-runtime start` (what `npm start` runs) as a child process, with its stdout kept so a
 * test can read the example request it prints.
 */
export class QuickStartProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on("data", (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  /** Only `environment` (plus PATH and HOME) reaches the process: no .env file, no inherited keys. */
  static spawn(environment: Record<string, string>): QuickStartProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "start"], {
      cwd: BACKEND,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...environment,
        SOCIAL_ENV_FILE: "/dev/null",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new QuickStartProcess(child);
  }

  text(): string {
    return this.output.join("");
  }

  /** Resolves when the output contains `text`; fails if the process exits or time runs out. */
  async waitForOutput(text: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text().includes(text)) {
      if (this.child.exitCode !== null)
        throw new Error(`start exited (${this.child.exitCode}):\n${this.text()}`);
      if (Date.now() > deadline) throw new Error(`start did not print "${text}":\n${this.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The request a printed `curl` command makes, as `fetch` arguments. */
export interface CurlRequest {
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * Reads the `curl …` command out of `output` (backslash-continued lines) and turns it into the
 * request the shell would send: `-H "Name: value"` headers, the `-d '…'` body with each
 * `'$(date +%s)'` splice replaced by `now` in seconds, as the shell would expand it.
 */
export function printedCurlRequest(output: string, now = new Date()): CurlRequest {
  const start = output.indexOf("curl ");
  if (start < 0) throw new Error(`no curl command in:\n${output}`);
  const lines: string[] = [];
  for (const line of output.slice(start).split("\n")) {
    lines.push(line.replace(/\\\s*$/, "").trim());
    if (!/\\\s*$/.test(line)) break;
  }
  const command = lines.join(" ");
  const url = /^curl(?:\s+-N)?\s+(\S+)/.exec(command)?.[1];
  if (!url) throw new Error(`no URL in: ${command}`);
  const headers: Record<string, string> = {};
  for (const match of command.matchAll(/-H\s+"([^":]+):\s*([^"]*)"/g)) {
    headers[(match[1] as string).toLowerCase()] = match[2] as string;
  }
  const seconds = String(Math.floor(now.getTime() / 1000));
  const data = /-d\s+'(.*)'\s*$/.exec(command)?.[1];
  const body = data?.replaceAll("'$(date +%s)'", seconds);
  return { url, headers, body };
}
