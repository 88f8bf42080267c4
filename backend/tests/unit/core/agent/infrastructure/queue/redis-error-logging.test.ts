import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { logRedisErrors } from "../../../../../../src/core/agent/infrastructure/queue/redis-error-logging.js";

function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const log = (level: string) => (_details: Record<string, unknown>, message: string) =>
    lines.push({ level, message });
  return { lines, logger: { info: log("info"), warn: log("warn"), error: log("error") } };
}

describe("logRedisErrors", () => {
  it("gives the connection and every duplicate of it (and of those) an error listener", () => {
    const { logger } = recordingLogger();
    const root = logRedisErrors(new Redis({ lazyConnect: true }), logger);
    const child = root.duplicate({ lazyConnect: true });
    const grandchild = child.duplicate({ lazyConnect: true });
    for (const connection of [root, child, grandchild])
      expect(connection.listenerCount("error")).toBeGreaterThan(0);
    for (const connection of [root, child, grandchild]) connection.disconnect();
  });

  it("logs the first error of an outage once, and once that the connection is back", () => {
    const { lines, logger } = recordingLogger();
    const connection = logRedisErrors(new Redis({ lazyConnect: true }), logger);
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    connection.emit("error", refused);
    connection.emit("error", refused);
    connection.emit("ready");
    connection.emit("ready");
    expect(lines).toEqual([
      { level: "error", message: "redis connection error" },
      { level: "info", message: "redis connection restored" },
    ]);
    connection.disconnect();
  });
});
