import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./service-processes.js";

/** A `redis-server` of the test's own (temp dir, free port, no persistence). */
export interface OwnRedisServer {
  url: string;
  /** A client of the test's own, for probes (`CLIENT LIST`, `INFO`). */
  probe: Redis;
  stop(): Promise<void>;
}

export async function startOwnRedisServer(): Promise<OwnRedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "own-redis-"));
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { maxRetriesPerRequest: 1, connectionName: "test-probe" });
  probe.on("error", () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await probe.ping();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    probe,
    stop: async () => {
      probe.disconnect();
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Connections whose name starts with `prefix` (`CLIENT LIST`). */
export async function connectionsNamed(probe: Redis, prefix: string): Promise<number> {
  const list = (await probe.client("LIST")) as string;
  return list
    .split("\n")
    .filter((line) => / name=(\S*)/.exec(line)?.[1]?.startsWith(prefix) ?? false).length;
}
